// Starts the `cluster` stack profile (3 KRaft brokers, PostgreSQL, Redis) and holds it until
// SIGINT/SIGTERM, so resilience runs during development reuse it instead of starting their own:
//   node --import tsx test/resilience/hold-cluster.ts
import { createLogger } from '../../common/log.js';
import { projectRoot } from '../../infra/supervisor.js';
import { startStack } from '../../infra/stack.js';

const logger = createLogger({ role: 'hold-cluster' });
const stack = await startStack({ root: projectRoot, profile: 'cluster', brokers: 3, logger });
logger.info('cluster stack held; Ctrl-C stops it', { ...stack.endpoints, reused: stack.reused });
await new Promise<void>((resolve) => process.once('SIGTERM', resolve).once('SIGINT', resolve));
await stack.stop();

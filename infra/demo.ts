// `npm start`: installs what is missing, starts the local stack and every role of the pipeline
// with a small simulated device lab, prints the dashboard URL with a viewer token, and on Ctrl-C
// stops everything it started.
import { join } from 'node:path';
import { createLogger } from '../common/log.js';
import { ensureInstalled } from './install.js';
import { startStack } from './stack.js';
import { startPipeline } from './pipeline.js';
import { preferredPort, projectRoot } from './supervisor.js';
import { ensureUiBuilt } from './ui-build.js';
import { localJwtSecret } from './local-secret.js';
import { signToken } from '../api/auth/jwt.js';

const DEMO_REGISTRY_PORT = 18_081; // README's registry address for `npm start`

export async function runDemo(): Promise<void> {
  // The terminal is for the user: progress lines and the URL; the stack's own JSON logs only
  // when something goes wrong (LOG_LEVEL overrides). Each role logs to .run/dev/logs/.
  const logger = createLogger({ role: 'demo' }, (process.env.LOG_LEVEL as 'info' | undefined) ?? 'warn');
  const say = (msg: string) => process.stdout.write(`» ${msg}\n`);
  say('checking what is installed (a first run installs Debian packages, Kafka and snmpsim: minutes)');
  await ensureInstalled({ root: projectRoot, logger, kafka: true, python: true, progress: say });
  say('starting Kafka, PostgreSQL and Redis (profile dev)');
  const stack = await startStack({ root: projectRoot, profile: 'dev', brokers: 1, logger });
  let stopping = false;
  let pipeline: Awaited<ReturnType<typeof startPipeline>> | undefined;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping');
    await pipeline?.stop().catch((err) => logger.error('pipeline stop failed', { err }));
    await stack.stop().catch((err) => logger.error('stack stop failed', { err }));
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    ensureUiBuilt(say);
    const secret = localJwtSecret('dev');
    pipeline = await startPipeline({
      endpoints: stack.endpoints,
      runDir: join(projectRoot, '.run', 'dev'),
      jwtSecret: secret,
      apiPort: Number(process.env.API_PORT ?? 8080),
      // README's address for downstream consumers; another free port only when 18081 is taken.
      registryPort: await preferredPort(DEMO_REGISTRY_PORT),
      labDevices: Number(process.env.LAB_DEVICES ?? 4),
      pollIntervalMs: Number(process.env.POLL_INTERVAL_MS ?? 5_000),
      traps: true,
      links: true,
      log: say,
    });
    const token = signToken({ sub: 'wall', role: 'viewer', expiresInS: 30 * 24 * 3600 }, secret);
    say(`logs: ${join(projectRoot, '.run', 'dev', 'logs')}`);
    say(`Prometheus targets: ${pipeline.scrapeTargets.file} (infra/monitoring/prometheus-local.yml reads it; docs/monitoring.md)`);
    const e = stack.endpoints;
    process.stdout.write(
      [
        '',
        `Dashboard: ${pipeline.apiUrl}/?token=${token}`,
        `API token (viewer): ${token}`,
        '',
        'For downstream consumers and tools (plaintext, this machine only):',
        `  Kafka brokers     ${e.kafkaBrokers.join(',')}   (docs/topics.md; anomalies on telemetry.anomalies)`,
        `  Schema registry   ${pipeline.registryUrl}${pipeline.registryUrl.endsWith(`:${DEMO_REGISTRY_PORT}`) ? '' : `   (${DEMO_REGISTRY_PORT} was taken)`}`,
        `  PostgreSQL        ${e.databaseUrl}`,
        `  Redis             ${e.redisUrl}`,
        '',
        'Press Ctrl-C to stop everything.',
        '',
        '',
      ].join('\n'),
    );
  } catch (err) {
    logger.error('demo failed to start', { err });
    process.stderr.write(`${(err as Error).message}\n`);
    await stop(1);
  }
}

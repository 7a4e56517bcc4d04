// Entry point of the `registry` role: configuration from the environment, start, stop on signal.

import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/log.js';
import { kafkaSecurityOf } from '../../common/kafka-security.js';
import { collectProcessMetrics, startOpsServer } from '../../common/ops-server.js';
import { registrySettings } from './settings.js';
import { startRegistry } from './server.js';

export function registryConfigFromEnv(env: NodeJS.ProcessEnv) {
  const c = loadConfig(registrySettings, env);
  return { host: c.host, port: c.port, kafkaBrokers: [...c.kafkaBrokers], kafkaSecurity: kafkaSecurityOf(c), topic: c.topic, opsHost: c.opsHost, opsPort: c.opsPort };
}

/** Runs the registry until SIGINT or SIGTERM, then closes it and resolves. */
export async function runRegistryCommand(env: NodeJS.ProcessEnv): Promise<void> {
  const logger = createLogger({ role: 'registry' });
  const { opsHost, opsPort, ...config } = registryConfigFromEnv(env);
  // /metrics, /healthz, /readyz like every role, bound first so that a taken port stops it before
  // it reads the schema log.
  collectProcessMetrics('registry');
  let serving = false;
  const ops = await startOpsServer({ host: opsHost, port: opsPort, ready: () => serving });
  const registry = await startRegistry({ ...config, logger }).catch(async (err) => {
    await ops.close();
    throw err;
  });
  serving = true;
  logger.info('registry ops endpoints listening', { opsPort: ops.port });
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info('stopping on signal', { signal });
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  serving = false;
  await registry.close();
  await ops.close();
}

// Entry point of the `registry` role: configuration from the environment, start, stop on signal.

import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/log.js';
import { kafkaSecurityFromEnv } from '../../common/kafka-security.js';
import { collectProcessMetrics, startOpsServer } from '../../common/ops-server.js';
import { opsSettingsFor } from '../../common/settings.js';
import { startRegistry } from './server.js';

export const registryEnvDefaults = {
  REGISTRY_HOST: '127.0.0.1', // loopback unless told otherwise: the registry has no auth
  REGISTRY_PORT: '18081',
  KAFKA_BROKERS: '127.0.0.1:39092',
  REGISTRY_TOPIC: '_schemas', // the log topic; other names only for tests and side-by-side stacks
};

function configError(message: string): Error {
  return Object.assign(new Error(message), { code: 'REGISTRY_CONFIG', canRetry: false });
}

export function registryConfigFromEnv(env: NodeJS.ProcessEnv) {
  const host = env.REGISTRY_HOST?.trim() || registryEnvDefaults.REGISTRY_HOST;
  const portText = env.REGISTRY_PORT?.trim() || registryEnvDefaults.REGISTRY_PORT;
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw configError(`REGISTRY_PORT must be a TCP port number (0-65535), got "${portText}"`);
  }
  const brokersText = env.KAFKA_BROKERS?.trim() || registryEnvDefaults.KAFKA_BROKERS;
  const kafkaBrokers = brokersText.split(',').map((b) => b.trim()).filter(Boolean);
  if (kafkaBrokers.length === 0 || kafkaBrokers.some((b) => !/^[^\s:]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/.test(b))) {
    throw configError(`KAFKA_BROKERS must be a comma list of host:port, got "${brokersText}"`);
  }
  const topic = env.REGISTRY_TOPIC?.trim() || registryEnvDefaults.REGISTRY_TOPIC;
  // The same KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_* and KAFKA_SASL_* settings as every role (env only).
  const kafkaSecurity = kafkaSecurityFromEnv(env);
  return { host, port, kafkaBrokers, kafkaSecurity, topic };
}

/** Runs the registry until SIGINT or SIGTERM, then closes it and resolves. */
export async function runRegistryCommand(env: NodeJS.ProcessEnv): Promise<void> {
  const logger = createLogger({ role: 'registry' });
  const config = registryConfigFromEnv(env);
  // /metrics, /healthz, /readyz like every role (OPS_HOST, OPS_PORT; the registry reads no OC_CONFIG),
  // bound first so that a taken port stops it before it reads the schema log.
  const opsConfig = loadConfig(opsSettingsFor('registry'), env, '');
  collectProcessMetrics('registry');
  let serving = false;
  const ops = await startOpsServer({ host: opsConfig.opsHost, port: opsConfig.opsPort, ready: () => serving });
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

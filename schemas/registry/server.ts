// The `registry` role: a Confluent-compatible schema registry whose only storage is a compacted
// Kafka topic. Any number of replicas can serve the same topic; they agree because each derives
// its state from the same log (see registry-service.ts and log-records.ts).

import type { AddressInfo } from 'node:net';
import type { KafkaSecurity } from '../../common/kafka-security.js';
import type { Logger } from '../../common/log.js';
import { buildRegistryApp } from './routes.js';
import { RegistryService } from './registry-service.js';
import { openSchemaLog } from './schema-log.js';

export { REGISTRY_TOPIC_DEFAULT as defaultSchemaTopic } from './settings.js';
import { REGISTRY_TOPIC_DEFAULT } from './settings.js';

export interface RegistryOptions {
  host: string;
  port: number; // 0: any free port (the returned url carries the real one)
  kafkaBrokers: string[];
  /** TLS and SASL of the cluster (absent: plaintext) */
  kafkaSecurity?: KafkaSecurity;
  topic?: string;
  logger: Logger;
}

export interface RunningRegistry {
  url: string;
  close(): Promise<void>;
}

/** Starts a replica: reads the log up to its current end, then listens. */
export async function startRegistry(opts: RegistryOptions): Promise<RunningRegistry> {
  const topic = opts.topic ?? REGISTRY_TOPIC_DEFAULT;
  const logger = opts.logger.child({ role: 'registry' });
  const log = await openSchemaLog({ brokers: opts.kafkaBrokers, security: opts.kafkaSecurity, topic, logger });
  const service = new RegistryService(log, logger);
  const app = buildRegistryApp(service, logger);
  try {
    await service.start();
    await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    await app.close().catch(() => undefined);
    await log.close();
    throw err;
  }
  const { port } = app.server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${host}:${port}`;
  logger.info('schema registry listening', { url, topic });
  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        await app.close();
        await log.close();
        logger.info('schema registry stopped', { url });
      })();
      return closing;
    },
  };
}

// What code outside streams/ (the registry's log, the local stack's health checks, tests) needs
// beside @confluentinc/kafka-javascript's KafkaJS-compatible layer: a logger for it (without one
// it prints its own INFO lines to the console), its config with the cluster's TLS and SASL
// settings, the brokers of the cluster (its admin has no describeCluster), a start-up check that
// the cluster lets this client in, and a wait for the leaders of new topics (its createTopics
// has no waitForLeaders).

import { KafkaJS, RdKafka } from '@confluentinc/kafka-javascript';
import { OpsError } from './errors.js';
import { librdkafkaSecurity, securityFailure, type KafkaSecurity } from './kafka-security.js';
import type { Logger } from './log.js';

/** A KafkaJS-shaped client's config: its `kafkaJS` options, and the security settings as
 * librdkafka properties beside them (the layer passes those through as they are). */
export function kafkaJsConfig(kafkaJS: KafkaJS.KafkaConfig, security: KafkaSecurity | undefined): KafkaJS.CommonConstructorConfig {
  return { ...(librdkafkaSecurity(security) as KafkaJS.CommonConstructorConfig), kafkaJS };
}

/**
 * `kafkaJS.logger` for a client: passes on its warnings and errors as `level` lines of ours and
 * drops the rest. Errors too become warnings: librdkafka logs at ERROR the failures it retries
 * by itself (a broker restarting, a coordinator loading). Pass `logLevel: WARN` with it as well,
 * so librdkafka does not even format its INFO lines.
 */
export function kafkaLogger(logger: Logger, level: 'warn' | 'debug' = 'warn'): KafkaJS.Logger {
  const pass = (message: string, extra?: object) => {
    const { timestamp: _at, ...fields } = (extra ?? {}) as Record<string, unknown>; // ours has its own time
    logger[level](`kafka: ${message}`, fields);
  };
  const self: KafkaJS.Logger = {
    error: pass,
    warn: pass,
    info: () => undefined, // "Producer connected" and such, logged whatever the logLevel
    debug: () => undefined,
    namespace: () => self,
    setLogLevel: () => undefined, // the level is fixed above; the client calls this on its own
  };
  return self;
}

/**
 * Node ids of the brokers in the cluster's metadata now (registered and not fenced): what
 * describeCluster answered. Taken from the metadata a native librdkafka client fetches when it
 * connects; the client is closed before this resolves. A broker that refuses the login or the TLS
 * handshake fails it at once with the coded error naming the setting (KAFKA_AUTH_FAILED,
 * KAFKA_TLS_FAILED), not after the timeout: librdkafka itself would retry for ever.
 */
export function clusterBrokerIds(brokers: string[], opts: { clientId: string; timeoutMs: number; security?: KafkaSecurity }): Promise<number[]> {
  const client = new RdKafka.Producer({
    'bootstrap.servers': brokers.join(','),
    'client.id': opts.clientId,
    'socket.connection.setup.timeout.ms': Math.max(1_000, opts.timeoutMs), // librdkafka's minimum
    ...(librdkafkaSecurity(opts.security) as object),
    log_level: 3, // errors only: a refused login or handshake is reported as one while connecting
  });
  return new Promise((resolve, reject) => {
    let refused: OpsError | undefined;
    client.on('event.log', (e: { message: string }) => {
      refused ??= securityFailure(e.message, opts.security);
      // Rejected now; the client finishes its connect attempt (at most timeoutMs) and closes itself.
      if (refused) reject(refused);
    });
    client.connect({ timeout: opts.timeoutMs, allTopics: false }, (err, metadata) => {
      // A failed connect has disconnected the client already.
      if (err) {
        if (!refused) reject(new OpsError('KAFKA_UNAVAILABLE', `no cluster metadata from ${brokers.join(',')} within ${opts.timeoutMs} ms: ${err.message}`, { canRetry: true, cause: err }));
        return;
      }
      client.disconnect(() => resolve(metadata.brokers.map((b) => b.id)));
    });
  });
}

/** Start-up check of a role's Kafka settings: resolves once the cluster answered a client with
 * them, rejects with KAFKA_AUTH_FAILED / KAFKA_TLS_FAILED (naming the setting) or KAFKA_UNAVAILABLE. */
export async function verifyKafkaAccess(brokers: string[], security: KafkaSecurity | undefined, clientId: string, timeoutMs = 10_000): Promise<void> {
  try {
    await clusterBrokerIds(brokers, { clientId, timeoutMs, security });
  } catch (err) {
    const e = err as OpsError;
    if (e.code !== 'KAFKA_UNAVAILABLE') throw err;
    throw new OpsError('KAFKA_UNAVAILABLE', `${e.message}: check KAFKA_BROKERS, and that the cluster is up`, { canRetry: true, cause: e.cause });
  }
}

/**
 * Waits until every partition of `topics` has a leader. createTopics returns once the controller
 * has a topic; its leaders reach the brokers' metadata a moment later, and an offset lookup or a
 * fetch before that fails.
 */
export async function waitForLeaders(admin: KafkaJS.Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics, timeout: Math.max(1_000, deadline - Date.now()) });
      if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      last = err; // unknown topic or partition until the metadata arrives
    }
    if (Date.now() >= deadline) {
      const why = last === undefined ? '' : `: ${(last as Error).message}`;
      throw new OpsError('KAFKA_UNAVAILABLE', `topics ${topics.join(', ')} have partitions without a leader after ${timeoutMs} ms${why}`, { canRetry: true, cause: last });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

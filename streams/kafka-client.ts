// The one place that configures Kafka clients: librdkafka through @confluentinc/kafka-javascript's
// native API. Nothing outside streams/ sees a client type, so collectors, processors and sinks
// never depend on which client runs underneath.
//
// Why librdkafka, and its native API rather than the KafkaJS-compatible layer: see
// bench/README.md ("kafka"): it produces without a JavaScript callback per record, has KIP-447
// (transactional offsets carry the consumer's group generation) and asks for stable offsets
// (require_stable) when it reads committed group offsets, and refreshes metadata as soon as a
// leader answers that it no longer leads.
import Kafka from '@confluentinc/kafka-javascript';
import type { LibrdKafkaError, Message } from '@confluentinc/kafka-javascript';
import type { Logger } from '../common/log.js';
import { librdkafkaSecurity, type KafkaSecurity } from '../common/kafka-security.js';

export { Kafka };
export type { KafkaSecurity };
export type { LibrdKafkaError };
export type Compression = 'none' | 'gzip' | 'snappy';
export type NativeProducer = InstanceType<typeof Kafka.Producer>;
export type NativeConsumer = InstanceType<typeof Kafka.KafkaConsumer>;
export type NativeMessage = Message;

export interface ClientOptions {
  brokers: string[];
  /** TLS and SASL (common/kafka-security.ts); absent: plaintext */
  security?: KafkaSecurity;
  clientId: string;
  logger: Logger;
}

// librdkafka's syslog levels: 0 emerg … 3 error, 4 warning, 6 info, 7 debug.
const LOG_LEVEL_WARNING = 4;

/** Settings every client shares. */
export function commonConfig(o: ClientOptions): Record<string, string | number | boolean> {
  return {
    'bootstrap.servers': o.brokers.join(','),
    'client.id': o.clientId,
    'socket.keepalive.enable': true,
    'socket.connection.setup.timeout.ms': 3_000, // ms: a dead broker's address is given up fast
    // A restarted broker is back within a second of listening again: the default backoff grows to
    // 10 s, which kept a partition without its leader long after the leader had returned.
    'reconnect.backoff.ms': 50, // ms
    'reconnect.backoff.max.ms': 1_000, // ms
    'retry.backoff.ms': 20, // ms: CONCURRENT_TRANSACTIONS right after a commit clears in milliseconds
    'retry.backoff.max.ms': 1_000, // ms
    'allow.auto.create.topics': false,
    log_level: LOG_LEVEL_WARNING,
    ...librdkafkaSecurity(o.security),
  };
}

/**
 * A record key as the native producer must be given it. The binding copies a string key through a
 * C string (`std::string(*Nan::Utf8String)`), which ends at the first NUL: `dev-1\u0000c` would be
 * sent as `dev-1`, and the changelog codec's records of a device would overwrite its head. Bytes
 * are copied with their length.
 */
export function keyBuffer(key: string | Buffer | null | undefined): Buffer | undefined {
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : (key ?? undefined);
}

/** The Java client's partitioner (murmur2 of the key): every producer of the pipeline, and any
 * Java or Kafka Streams producer beside it, must put a device's records on the same partition. */
export const KEY_PARTITIONER = 'murmur2_random';

// Errors librdkafka retries itself and only reports: noise at our level.
const retriedByClient = /Disconnected|Connection refused|Connect to .* failed|Broker transport failure|all brokers are down|timed out|COORDINATOR_LOAD_IN_PROGRESS|NOT_COORDINATOR|CONCURRENT_TRANSACTIONS|Receive failed/i;

/** Routes a client's own log lines and errors to the role's logger. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- librdkafka's clients type each event's argument apart
export function attachLogger(client: { on(event: string, fn: (arg: any) => void): unknown }, logger: Logger): void {
  const log = logger.child({ component: 'librdkafka' });
  client.on('event.log', (e: { severity: number; fac: string; message: string }) => {
    if (e.severity <= 3) log.error(e.message, { facility: e.fac });
    else if (e.severity === 4) log.warn(e.message, { facility: e.fac });
    else log.debug(e.message, { facility: e.fac });
  });
  client.on('event.error', (err: LibrdKafkaError) => {
    if (err.isFatal) log.error('fatal client error', { code: err.code, err: err.message });
    else if (retriedByClient.test(err.message)) log.debug('client error (retried by the client)', { code: err.code, err: err.message });
    else log.warn('client error', { code: err.code, err: err.message });
  });
}

/** librdkafka's callback style as a promise. Its errors are plain objects ({ code, isRetriable…})
 * that callers read as they are, hence no Error wrapping (and the lint rule off here). */
/* eslint-disable @typescript-eslint/prefer-promise-reject-errors */
export function call<T = void>(fn: (cb: (err: LibrdKafkaError | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
}

/** The promise, or a rejection naming the deadline once it passed (the call itself goes on). */
export function withDeadline<T>(p: Promise<T>, ms: number, what = 'call'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** Connects a native client (its `ready`), with a clear error when no broker answers. */
export function connectClient<C extends { connect(o: unknown, cb: (err: LibrdKafkaError | null) => void): unknown }>(client: C, timeoutMs = 10_000): Promise<C> {
  return new Promise<C>((resolve, reject) => {
    client.connect({ timeout: timeoutMs }, (err) => (err ? reject(err) : resolve(client)));
  });
}
/* eslint-enable @typescript-eslint/prefer-promise-reject-errors */

/** A message's headers (librdkafka gives a list of one-key objects) as one record of strings. */
export function headersOf(list: Record<string, string | Buffer>[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (list) for (const h of list) for (const [k, v] of Object.entries(h)) out[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  return out;
}

/** Our header records as librdkafka takes them. Values go as bytes: a string crosses into C as a
 * NUL-terminated string and would be cut at the first NUL (a dead letter's reason may quote one). */
export function headersList(h: Record<string, string | Buffer> | undefined): Record<string, Buffer>[] | undefined {
  if (!h) return undefined;
  const list = Object.entries(h).map(([k, v]) => ({ [k]: Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8') }));
  return list.length > 0 ? list : undefined;
}

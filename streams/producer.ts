// A typed producer: Avro values through the registry serde, idempotent (acks=all, ordered,
// de-duplicated by the broker across retries), compressed, batched by librdkafka (linger). A
// send resolves once every record of it is acknowledged by Kafka, and rejects if any is not.
//
// librdkafka retries a failed request per partition with the sequence numbers it already used, so
// the broker de-duplicates a retry: a request that failed on one broker never re-sends another's.
// Records wait in librdkafka's queue while Kafka is unreachable (message.timeout.ms 0: no timeout),
// which is backpressure, not a gap: sends stay pending until they are written.
import type { Logger } from '../common/log.js';
import { OpsError } from '../common/errors.js';
import { Kafka, KEY_PARTITIONER, attachLogger, call, commonConfig, connectClient, headersList, keyBuffer, type Compression, type KafkaSecurity, type LibrdKafkaError, type NativeProducer } from './kafka-client.js';
import type { AvroSerde } from './serde.js';
import { streamMetrics } from './metrics.js';

export interface OutRecord {
  key: string | null;
  value: unknown;
  headers?: Record<string, string>;
  /** Event time in ms; Kafka's record timestamp is set to it so time-based seeks follow event time. */
  timestamp?: number;
}

export interface RawOutRecord {
  key: Buffer | string | null;
  value: Buffer | null;
  headers?: Record<string, string | Buffer>;
  timestamp?: number;
}

export interface StreamProducer {
  send(topic: string, records: OutRecord[]): Promise<void>;
  /** Bytes as they are (dead letters, pass-through, benchmarks). */
  sendRaw(topic: string, records: RawOutRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface ProducerOptions {
  brokers: string[];
  security?: KafkaSecurity;
  clientId: string;
  serde: AvroSerde;
  logger: Logger;
  compression: Compression;
  lingerMs?: number; // how long a record waits for company before its batch goes
}

/** One send: its records still unacknowledged, and the first failure reported for one of them. */
interface Pending {
  topic: string;
  remaining: number;
  count: number;
  error?: LibrdKafkaError;
  resolve(): void;
  reject(e: unknown): void;
}

const QUEUE_FULL = -184; // RD_KAFKA_RESP_ERR__QUEUE_FULL
const QUEUE_FULL_WAIT_MS = 20; // ms: the queue drains at the broker's pace

export async function createStreamProducer(opts: ProducerOptions): Promise<StreamProducer> {
  const producer: NativeProducer = new Kafka.Producer({
    ...commonConfig(opts),
    'enable.idempotence': true, // acks=all, in order, retries de-duplicated by the broker
    'linger.ms': opts.lingerMs ?? 5,
    'compression.codec': opts.compression,
    partitioner: KEY_PARTITIONER,
    'message.timeout.ms': 0, // never give a record up: see the file comment
    dr_cb: true,
  });
  attachLogger(producer, opts.logger);
  producer.on('delivery-report', (err, report) => {
    const p = report.opaque as Pending | undefined;
    if (!p) return;
    if (err && !p.error) p.error = err;
    if (--p.remaining > 0) return;
    if (p.error) {
      streamMetrics.sendFailed.inc({ topic: p.topic });
      p.reject(new OpsError('KAFKA_UNAVAILABLE', `producing ${p.count} messages to ${p.topic} failed: ${p.error.message}`, { canRetry: true, cause: p.error }));
    } else {
      streamMetrics.sent.inc({ topic: p.topic }, p.count);
      p.resolve();
    }
  });
  try {
    await connectClient(producer);
  } catch (err) {
    throw new OpsError('KAFKA_UNAVAILABLE', `producer cannot reach Kafka at ${opts.brokers.join(',')}: ${(err as Error).message}`, { canRetry: true, cause: err });
  }
  producer.setPollInterval(5); // ms: how soon delivery reports reach their sends
  let closing = false;

  const produce = async (topic: string, records: RawOutRecord[]) => {
    if (records.length === 0) return;
    if (closing) throw new OpsError('KAFKA_UNAVAILABLE', `producer is closed; ${records.length} messages to ${topic} not sent`, { canRetry: false });
    let p!: Pending;
    const acked = new Promise<void>((resolve, reject) => (p = { topic, remaining: records.length, count: records.length, resolve, reject }));
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      try {
        producer.produce(topic, null, r.value, keyBuffer(r.key), r.timestamp ?? null, p, headersList(r.headers));
      } catch (err) {
        if ((err as LibrdKafkaError).code !== QUEUE_FULL) {
          p.remaining -= records.length - i; // never queued: no report will come for them
          if (p.remaining === 0) throw err;
          p.error ??= err as LibrdKafkaError;
          break;
        }
        await new Promise((r) => setTimeout(r, QUEUE_FULL_WAIT_MS));
        i--;
      }
    }
    return acked;
  };

  return {
    async send(topic, records) {
      const raw = records.map((r) => ({ key: r.key, value: opts.serde.encode(topic, r.value), headers: r.headers, timestamp: r.timestamp }));
      return produce(topic, raw);
    },
    sendRaw: produce,
    async close() {
      closing = true;
      await call((cb) => producer.flush(30_000, cb)).catch((err) => opts.logger.warn('producer flush at close failed', { err }));
      await call((cb) => producer.disconnect(cb as never)).catch(() => undefined);
    },
  };
}

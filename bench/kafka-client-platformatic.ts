// The client bench's @platformatic/kafka run, loaded from a folder where it was installed on its
// own (it is not a dependency of the project): see loadPlatformatic below.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OpsError } from '../common/errors.js';
import { type KafkaSecurity } from '../common/kafka-security.js';
import { type ClientRun, Clock, FETCH_BYTES_PER_PARTITION, FETCH_WAIT_MS, type MeasureOptions, type ProducePhase, SENDS_IN_FLIGHT, SEND_BATCH, STALL_MS, Tally, recordsInTopic } from './kafka-bench-shared.js';

interface PlatOutMessage {
  topic: string;
  key: Buffer;
  value: Buffer;
  timestamp: bigint;
}
interface PlatInMessage {
  key?: Buffer | null;
  value?: Buffer | null;
  partition: number;
}
interface PlatProducer {
  metadata(o: { topics: string[] }): Promise<unknown>;
  initIdempotentProducer(o: object): Promise<unknown>;
  send(o: { messages: PlatOutMessage[] }): Promise<unknown>;
  close(): Promise<void>;
}
interface PlatStream {
  on(event: 'data', fn: (m: PlatInMessage) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  close(): Promise<void>;
}
interface PlatConsumer {
  consume(o: { topics: string[]; mode: string; fallbackMode: string }): Promise<PlatStream>;
  close(force?: boolean): Promise<void>;
}
export interface PlatformaticKafka {
  Producer: new (o: Record<string, unknown>) => PlatProducer;
  Consumer: new (o: Record<string, unknown>) => PlatConsumer;
  compatibilityPartitioner?: unknown;
}

const PLATFORMATIC = '@platformatic/kafka';
const INSTALL_HINT =
  `install it outside the project and point OC_PLATFORMATIC_DIR at it: ` +
  `mkdir -p /tmp/plat && cd /tmp/plat && npm init -y && npm install ${PLATFORMATIC}; export OC_PLATFORMATIC_DIR=/tmp/plat`;

/** @platformatic/kafka from `dir` (its install folder, or the package folder itself), else from
 * OC_PLATFORMATIC_DIR, else a plain import (which fails in this project: it does not depend on it). */
export async function loadPlatformatic(dir = process.env.OC_PLATFORMATIC_DIR): Promise<{ kafka: PlatformaticKafka; version: string; shimmed: boolean }> {
  shimPromiseWithResolvers();
  const shimmed = !NATIVE_WITH_RESOLVERS;
  if (dir) {
    const pkgDir = [join(dir, 'node_modules', ...PLATFORMATIC.split('/')), dir].find((d) => packageName(d) === PLATFORMATIC);
    if (!pkgDir) throw new OpsError('BENCH_CLIENT_MISSING', `${PLATFORMATIC} is not installed under ${dir}: ${INSTALL_HINT}`);
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string; exports?: unknown; main?: string };
    const entry = exportedEntry(pkg.exports) ?? pkg.main ?? 'index.js';
    const kafka = (await import(pathToFileURL(join(pkgDir, entry)).href)) as PlatformaticKafka;
    return { kafka, version: pkg.version, shimmed };
  }
  const name = PLATFORMATIC; // a variable: the compiler must not look for a package the project lacks
  try {
    const kafka = (await import(name)) as PlatformaticKafka;
    return { kafka, version: 'unknown (plain import)', shimmed };
  } catch (err) {
    throw new OpsError('BENCH_CLIENT_MISSING', `${PLATFORMATIC} cannot be loaded (${(err as Error).message}): ${INSTALL_HINT}`, { cause: err });
  }
}

function packageName(dir: string): string | undefined {
  const file = join(dir, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name : undefined;
}

/** The ESM entry of a package.json `exports` field (a string, or conditions for "."). */
function exportedEntry(exp: unknown): string | undefined {
  if (typeof exp === 'string') return exp;
  if (!exp || typeof exp !== 'object') return undefined;
  const e = exp as Record<string, unknown>;
  for (const k of ['.', 'import', 'node', 'default']) if (k in e) return exportedEntry(e[k]);
  return undefined;
}

// @platformatic/kafka 2.x declares Node >= 22.22 and calls Promise.withResolvers (Node 22); this
// project runs Node 20, where npm installs 1.35.0 instead. The shim lets 2.x run here, unsupported,
// and the notes say so.
const NATIVE_WITH_RESOLVERS = typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers === 'function';

function shimPromiseWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  if (typeof P.withResolvers === 'function') return;
  P.withResolvers = () => {
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise((a, b) => ((resolve = a), (reject = b)));
    return { promise, resolve, reject };
  };
}

// An idempotent producer numbers each partition's records. 1.35.0 (what npm installs on Node 20)
// takes a partition's next number when it builds a request and advances it only when the answer
// comes: two sends in flight to one partition carry the same numbers, and the broker takes the
// second for a retry of the first (acknowledged, not written) or rejects it. Measured here: 20,000
// records in 20 sends, 4 in flight, all acknowledged, 17,000 in the topic (platformatic/kafka#326).
// 2.12.1 reserves the numbers when it builds the request. Versions in between are not verified.
const CONCURRENT_SENDS_SAFE_FROM = [2, 12, 1];

function sendsInFlight(version: string, asked?: number): { n: number; note?: string } {
  if (asked !== undefined) return { n: asked, note: asked > 1 && !atLeast(version, CONCURRENT_SENDS_SAFE_FROM) ? `${asked} sends in flight asked on ${version}: records may be lost (see sendsInFlight)` : undefined };
  if (atLeast(version, CONCURRENT_SENDS_SAFE_FROM)) return { n: SENDS_IN_FLIGHT };
  return { n: 1, note: `1 send in flight: ${version} loses records of concurrent idempotent sends (platformatic/kafka#326)` };
}

function atLeast(version: string, min: number[]): boolean {
  const v = version.split(/[.-]/).slice(0, 3).map(Number);
  if (v.some((x) => !Number.isFinite(x))) return false;
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i] > min[i];
  return true;
}

export async function runPlatformatic(o: MeasureOptions): Promise<ClientRun> {
  const { kafka, version, shimmed } = await loadPlatformatic(o.platformaticDir ?? process.env.OC_PLATFORMATIC_DIR);
  const inflight = sendsInFlight(version, o.platformaticInflight);
  const notes = [
    `@platformatic/kafka ${version}: idempotent (forces acks=-1 and one request in flight per connection), compression=snappy, ` +
      `partitioner=compatibilityPartitioner (Java murmur2), ${SEND_BATCH} records a send(), ${inflight.n} send(s) in flight, no linger (a send() is one request)`,
    `consumer: isolationLevel=READ_COMMITTED, mode=committed + fallbackMode=earliest, autocommit=false, 'data' events, maxWaitTime=${FETCH_WAIT_MS}, maxBytesPerPartition=${FETCH_BYTES_PER_PARTITION}`,
  ];
  if (inflight.note) notes.push(inflight.note);
  if (shimmed && atLeast(version, [2, 0, 0])) notes.push(`Promise.withResolvers shimmed: ${version} requires Node >= 22, this is ${process.version}`);
  if (typeof kafka.compatibilityPartitioner !== 'function') throw new Error(`${PLATFORMATIC} ${version} has no compatibilityPartitioner: its records would not land where Java's and librdkafka's do`);
  const produce = await producePlatformatic(kafka, o, inflight.n);
  const produced = await recordsInTopic(o.brokers, o.topic, o.partitions, o.security);
  const consumed = new Tally();
  const consume = { clock: await consumePlatformatic(kafka, o, produced, consumed) };
  return { label: `platformatic ${version}`, notes, produce, produced, consume, consumed };
}

async function producePlatformatic(kafka: PlatformaticKafka, o: MeasureOptions, inFlight: number): Promise<ProducePhase> {
  const producer = new kafka.Producer({
    clientId: 'bench-clients-platformatic-producer',
    bootstrapBrokers: o.brokers,
    ...platformaticSecurity(o.security),
    idempotent: true,
    acks: -1, // all in-sync replicas
    compression: 'snappy',
    // Its default partitioner takes murmur2 unsigned (>>> 0) where Java masks the sign bit: with 6
    // partitions about half of the keys would land elsewhere than with any other client.
    partitioner: kafka.compatibilityPartitioner,
  });
  const phase: ProducePhase = { clock: new Clock(o.brokerPid), failed: 0 };
  try {
    // Connection, metadata and producer id before the clock, as librdkafka's connect() does them.
    await producer.metadata({ topics: [o.topic] });
    await producer.initIdempotentProducer({});
    const { topic, messages } = o;
    const sends: Promise<void>[] = [];
    phase.clock.start();
    for (let i = 0; i < messages.length && phase.failed === 0; i += SEND_BATCH) {
      const end = Math.min(messages.length, i + SEND_BATCH);
      const batch: PlatOutMessage[] = new Array(end - i);
      for (let j = i; j < end; j++) {
        const m = messages[j];
        batch[j - i] = { topic, key: m.key, value: m.value, timestamp: BigInt(m.timestamp) };
      }
      sends.push(
        producer.send({ messages: batch }).then(
          () => undefined,
          (err: Error) => {
            phase.failed += batch.length;
            phase.firstError ??= err.message;
          },
        ),
      );
      if (sends.length >= inFlight) await sends.shift();
    }
    await Promise.all(sends);
    phase.clock.stop();
  } finally {
    await producer.close().catch(() => undefined);
  }
  return phase;
}

async function consumePlatformatic(kafka: PlatformaticKafka, o: MeasureOptions, expected: number, tally: Tally): Promise<Clock> {
  const consumer = new kafka.Consumer({
    clientId: 'bench-clients-platformatic-consumer',
    bootstrapBrokers: o.brokers,
    ...platformaticSecurity(o.security),
    groupId: `bench-clients-${randomBytes(4).toString('hex')}`,
    isolationLevel: 1, // READ_COMMITTED (its default too)
    autocommit: false, // nothing is committed: kcat commits nothing either
    maxWaitTime: FETCH_WAIT_MS,
    maxBytesPerPartition: FETCH_BYTES_PER_PARTITION,
  });
  const clock = new Clock(o.brokerPid);
  try {
    const stream = await consumer.consume({ topics: [o.topic], mode: 'committed', fallbackMode: 'earliest' });
    try {
      await new Promise<void>((resolve, reject) => {
        if (expected === 0) return resolve();
        let lastProgress = Date.now();
        const watch = setInterval(() => {
          if (Date.now() - lastProgress < STALL_MS) return;
          clearInterval(watch);
          resolve();
        }, 1_000);
        stream.on('error', (err) => (clearInterval(watch), reject(err)));
        stream.on('data', (m) => {
          if (!clock.started) clock.start();
          tally.add(m.key, m.value, m.partition);
          lastProgress = Date.now();
          if (tally.count === expected) {
            clearInterval(watch);
            resolve();
          }
        });
      });
      clock.stop();
    } finally {
      await stream.close().catch(() => undefined);
    }
  } finally {
    await consumer.close(true).catch(() => undefined);
  }
  return clock;
}

/** @platformatic/kafka's TLS (Node's tls options) and SASL options for the same settings. */
function platformaticSecurity(s: KafkaSecurity | undefined): Record<string, unknown> {
  if (!s || s.protocol === 'plaintext') return {};
  const out: Record<string, unknown> = {};
  if (s.protocol === 'ssl' || s.protocol === 'sasl_ssl')
    out.tls = { ...(s.tls?.ca ? { ca: s.tls.ca } : {}), ...(s.tls?.cert ? { cert: s.tls.cert, key: s.tls.key, passphrase: s.tls.keyPassword } : {}) };
  if (s.sasl) out.sasl = { mechanism: s.sasl.mechanism, username: s.sasl.username, password: s.sasl.password };
  return out;
}


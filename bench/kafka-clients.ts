// The two Kafka client candidates on the same pre-encoded messages: @confluentinc/kafka-javascript's
// native API (librdkafka) and @platformatic/kafka (JavaScript), each in its fastest configuration
// that keeps our guarantees: idempotent, acks=all, snappy, the Java partitioner (murmur2: a device's
// records land on the same partition whichever client wrote them), every record confirmed durable
// before the produce clock stops. Then a consumer group reads them back, read_committed, from the
// earliest offset, timed from the first record received to the last (the group join is a one-off).
// Every run is checked, outside the clocks: the topic's end offsets against the records sent, and
// the records consumed against the records sent (count and content digest).
// @platformatic/kafka is not a dependency of the project: it is loaded from a folder where it was
// installed on its own (OC_PLATFORMATIC_DIR, see loadPlatformatic).
import Kafka from '@confluentinc/kafka-javascript';
import type { LibrdKafkaError } from '@confluentinc/kafka-javascript';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { OpsError } from '../common/errors.js';
import { librdkafkaSecurity, type KafkaSecurity } from '../common/kafka-security.js';
import { call } from '../streams/kafka-client.js';

export interface BenchMessage {
  key: Buffer;
  value: Buffer;
  timestamp: number; // ms since the epoch
}

export interface MeasureOptions {
  client: 'confluent' | 'platformatic';
  brokers: string[];
  /** TLS and SASL of the brokers (absent: plaintext) */
  security?: KafkaSecurity;
  topic: string; // exists, empty, `partitions` partitions
  messages: BenchMessage[];
  partitions: number;
  /** Where @platformatic/kafka is installed; else OC_PLATFORMATIC_DIR; else a plain import. */
  platformaticDir?: string;
  /** Sends in flight for @platformatic/kafka; default by version (see sendsInFlight). */
  platformaticInflight?: number;
  /** The broker's process id on this machine: its CPU is then reported per phase. */
  brokerPid?: number;
}

export interface Measurement {
  client: string;
  produce_s: number;
  consume_s: number;
  produced: number; // records in the topic after the produce phase (end offsets)
  consumed: number;
  notes: string;
  produce_cpu_s: number; // this process, every thread (librdkafka's included), produce clock only
  consume_cpu_s: number;
  broker_produce_cpu_s?: number;
  broker_consume_cpu_s?: number;
  /** Digest of (record, partition) as consumed: equal for two clients iff the same records sit on
   * the same partitions. */
  placement: string;
}

const LINGER_MS = 5; // ms
const QUEUE_FULL = -184; // RD_KAFKA_RESP_ERR__QUEUE_FULL: librdkafka's queue holds 100,000 records
const QUEUE_FULL_WAIT_MS = 10; // ms: the queue drains at the broker's pace, far slower than we fill it
const FLUSH_TIMEOUT_MS = 60_000; // ms
const CONSUME_BATCH = 1_000; // records per consume(n) call
const CONSUME_WAIT_MS = 1_000; // ms a consume(n) call waits for its first record
const FETCH_BYTES_PER_PARTITION = 4 * 1024 * 1024; // as streams/ reads
const FETCH_WAIT_MS = 100; // ms the broker holds a fetch with nothing new (as streams/)
const STALL_MS = 15_000; // ms without a new record before a consume phase gives up
const SEND_BATCH = 1_000; // records per @platformatic/kafka send()
const SENDS_IN_FLIGHT = 4;
const USER_HZ = 100; // /proc/<pid>/stat counts CPU in ticks of 1/100 s on Linux

export async function measureClient(o: MeasureOptions): Promise<Measurement> {
  const expected = new Tally();
  for (const m of o.messages) expected.add(m.key, m.value, 0);
  const run = o.client === 'confluent' ? await runConfluent(o) : await runPlatformatic(o);
  const notes = [...run.notes];
  if (run.produce.failed > 0 || run.produce.firstError) notes.push(`PRODUCE FAILED for ${run.produce.failed} records: ${run.produce.firstError}`);
  if (run.produced !== o.messages.length) notes.push(`TOPIC HOLDS ${run.produced} RECORDS, ${o.messages.length} SENT`);
  if (run.consumed.count !== run.produced) notes.push(`CONSUMED ${run.consumed.count} OF ${run.produced} (stalled ${STALL_MS / 1000} s)`);
  else if (run.consumed.sum !== expected.sum || run.consumed.count !== expected.count) notes.push('CONSUMED RECORDS DIFFER FROM THE RECORDS SENT');
  else notes.push('checks: end offsets = records sent, records consumed = records sent (count and digest)');
  return {
    client: run.label,
    produce_s: run.produce.clock.seconds,
    consume_s: run.consume.clock.seconds,
    produced: run.produced,
    consumed: run.consumed.count,
    notes: notes.join('; '),
    produce_cpu_s: run.produce.clock.cpu,
    consume_cpu_s: run.consume.clock.cpu,
    broker_produce_cpu_s: run.produce.clock.brokerCpu,
    broker_consume_cpu_s: run.consume.clock.brokerCpu,
    placement: run.consumed.placed.toString(16).padStart(8, '0'),
  };
}

interface ProducePhase {
  clock: Clock;
  failed: number;
  firstError?: string;
}

interface ClientRun {
  label: string;
  notes: string[];
  produce: ProducePhase;
  produced: number;
  consume: { clock: Clock };
  consumed: Tally;
}

// ---------------------------------------------------------------------------------------------
// @confluentinc/kafka-javascript, native API

type NativeProducer = InstanceType<typeof Kafka.Producer>;
type NativeConsumer = InstanceType<typeof Kafka.KafkaConsumer>;

async function runConfluent(o: MeasureOptions): Promise<ClientRun> {
  const produce = await produceConfluent(o);
  const produced = await recordsInTopic(o.brokers, o.topic, o.partitions, o.security);
  const consumed = new Tally();
  const consume = { clock: await consumeConfluent(o, produced, consumed) };
  return {
    label: `confluent ${Kafka.librdkafkaVersion}`,
    notes: [
      `librdkafka ${Kafka.librdkafkaVersion}: enable.idempotence, acks=-1, compression.codec=snappy, linger.ms=${LINGER_MS}, partitioner=murmur2_random, ` +
        `delivery.report.only.error + dr_cb (no callback per delivered record), flush() at the end`,
      `consumer: read_committed, auto.offset.reset=earliest, enable.auto.commit=false, consume(${CONSUME_BATCH}) loop, timeout only for the first record, ` +
        `fetch.wait.max.ms=${FETCH_WAIT_MS}, max.partition.fetch.bytes=${FETCH_BYTES_PER_PARTITION}`,
    ],
    produce,
    produced,
    consume,
    consumed,
  };
}

function commonConfluentConfig(o: MeasureOptions, role: string) {
  return { 'bootstrap.servers': o.brokers.join(','), 'client.id': `bench-clients-${role}`, log_level: 4 /* warnings */, ...(librdkafkaSecurity(o.security) as object) };
}

async function produceConfluent(o: MeasureOptions): Promise<ProducePhase> {
  const producer: NativeProducer = new Kafka.Producer({
    ...commonConfluentConfig(o, 'confluent-producer'),
    'enable.idempotence': true,
    acks: -1, // all in-sync replicas (what idempotence requires anyway)
    'compression.codec': 'snappy',
    'linger.ms': LINGER_MS,
    partitioner: 'murmur2_random',
    // No report, hence no JavaScript callback, for a delivered record; a failed one is reported
    // (dr_cb turns reports on: without it a failure would go unseen).
    'delivery.report.only.error': true,
    dr_cb: true,
  });
  const phase: ProducePhase = { clock: new Clock(o.brokerPid), failed: 0 };
  producer.on('delivery-report', (err) => {
    if (!err) return;
    phase.failed++;
    phase.firstError ??= err.message;
  });
  producer.on('event.error', (err) => {
    if (err.isFatal) phase.firstError ??= `fatal: ${err.message}`;
  });
  await call((cb) => producer.connect({ timeout: 10_000 }, (err) => cb(err)));
  try {
    const { topic, messages } = o;
    // The topic's metadata before the clock, as @platformatic/kafka's below. (The producer id is
    // asked for at connect and is there within ~50 ms: a first batch costs ≤ 30 ms more than later ones.)
    await call((cb) => producer.getMetadata({ topic, timeout: 10_000 }, (err) => cb(err)));
    phase.clock.start();
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      try {
        producer.produce(topic, null, m.value, m.key, m.timestamp);
      } catch (err) {
        if ((err as LibrdKafkaError).code !== QUEUE_FULL) throw err;
        await sleep(QUEUE_FULL_WAIT_MS);
        i--;
      }
    }
    await call((cb) => producer.flush(FLUSH_TIMEOUT_MS, cb));
    phase.clock.stop();
    // A failure reported during the flush reaches JavaScript through the event loop: let it in.
    await sleep(50);
  } finally {
    await call((cb) => producer.disconnect(5_000, (err) => cb(err))).catch(() => undefined);
  }
  return phase;
}

async function consumeConfluent(o: MeasureOptions, expected: number, tally: Tally): Promise<Clock> {
  const consumer: NativeConsumer = new Kafka.KafkaConsumer(
    {
      ...commonConfluentConfig(o, 'confluent-consumer'),
      'group.id': `bench-clients-${randomBytes(4).toString('hex')}`,
      'isolation.level': 'read_committed',
      'enable.auto.commit': false, // nothing is committed: kcat commits nothing either
      'max.partition.fetch.bytes': FETCH_BYTES_PER_PARTITION,
      'fetch.wait.max.ms': FETCH_WAIT_MS,
    },
    { 'auto.offset.reset': 'earliest' },
  );
  consumer.setDefaultConsumeTimeout(CONSUME_WAIT_MS);
  // Wait for the first record only, then take what is fetched already (streams/ does the same; the
  // method is not in the type declarations).
  (consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(v: boolean): void }).setDefaultIsTimeoutOnlyForFirstMessage(true);
  const clock = new Clock(o.brokerPid);
  await call((cb) => consumer.connect({ timeout: 10_000 }, (err) => cb(err)));
  try {
    consumer.subscribe([o.topic]);
    let lastProgress = Date.now();
    while (tally.count < expected && Date.now() - lastProgress < STALL_MS) {
      const batch = await call<Kafka.Message[]>((cb) => consumer.consume(Math.min(CONSUME_BATCH, expected - tally.count), cb));
      if (batch.length === 0) continue;
      if (!clock.started) clock.start();
      for (const m of batch) tally.add(m.key, m.value, m.partition);
      lastProgress = Date.now();
    }
    clock.stop();
  } finally {
    await call((cb) => consumer.disconnect((err) => cb(err))).catch(() => undefined);
  }
  return clock;
}

// ---------------------------------------------------------------------------------------------
// @platformatic/kafka, loaded from outside the project

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

async function runPlatformatic(o: MeasureOptions): Promise<ClientRun> {
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

// ---------------------------------------------------------------------------------------------
// Shared

/** kcat's arguments for the same settings: a properties file (mode 0600) in `dir` with the PEMs
 * beside it, so that no secret is on a command line. */
export function kcatSecurityArgs(security: KafkaSecurity | undefined, dir: string): string[] {
  const props = librdkafkaSecurity(security);
  if (Object.keys(props).length === 0) return [];
  const lines = Object.entries(props).map(([k, v]) => {
    const pem = /^ssl\.(ca|certificate|key)\.pem$/.exec(k);
    if (!pem) return `${k}=${v}`;
    const file = join(dir, `kcat-${pem[1]}.pem`);
    writeFileSync(file, v, { mode: 0o600 });
    return `ssl.${pem[1]}.location=${file}`;
  });
  const file = join(dir, 'kcat-security.properties');
  writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
  return ['-F', file];
}

/** Records in the topic (sum of its partitions' end offsets), asked of the broker by a client that
 * is not the one under test. */
export async function recordsInTopic(brokers: string[], topic: string, partitions: number, security?: KafkaSecurity): Promise<number> {
  const admin = Kafka.AdminClient.create({ 'bootstrap.servers': brokers.join(','), 'client.id': 'bench-clients-check', ...(librdkafkaSecurity(security) as object) });
  try {
    const spec = Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: Kafka.OffsetSpec.LATEST }));
    const result = await call<Kafka.ListOffsetsResult[]>((cb) => admin.listOffsets(spec, { timeout: 10_000, isolationLevel: Kafka.IsolationLevel.READ_COMMITTED }, cb));
    return result.reduce((s, r) => s + r.offset, 0);
  } finally {
    admin.disconnect();
  }
}

/** Count and order-free digests of records: what was sent against what came back. */
class Tally {
  count = 0;
  sum = 0;
  placed = 0;
  add(key: Buffer | string | null | undefined, value: Buffer | null | undefined, partition: number): void {
    const f = fingerprint(typeof key === 'string' ? Buffer.from(key) : key, value);
    this.count++;
    this.sum = (this.sum + f) >>> 0;
    this.placed = (this.placed + Math.imul(f, 2 * partition + 1)) >>> 0;
  }
}

/** FNV-1a over the key, the value's length and three words of the value: a full hash of every
 * value would cost more than some of the clients under test, inside the consume clock. */
function fingerprint(key: Buffer | null | undefined, value: Buffer | null | undefined): number {
  let h = 0x811c9dc5;
  if (key) for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i], 0x01000193);
  if (value) {
    const n = value.length;
    h = Math.imul(h ^ n, 0x01000193);
    if (n >= 4) {
      h = Math.imul(h ^ value.readUInt32LE(0), 0x01000193);
      h = Math.imul(h ^ value.readUInt32LE((n >> 1) & ~3), 0x01000193);
      h = Math.imul(h ^ value.readUInt32LE(n - 4), 0x01000193);
    }
  }
  return h >>> 0;
}

/** Wall time, this process's CPU (all threads) and the broker's CPU between start() and stop(). */
class Clock {
  seconds = 0;
  cpu = 0;
  brokerCpu?: number;
  private t0 = 0n;
  private cpu0 = 0;
  private broker0 = 0;
  constructor(private readonly brokerPid?: number) {}
  get started(): boolean {
    return this.t0 !== 0n;
  }
  start(): void {
    this.t0 = process.hrtime.bigint();
    this.cpu0 = processCpuSeconds();
    if (this.brokerPid) this.broker0 = pidCpuSeconds(this.brokerPid);
  }
  stop(): void {
    if (!this.started) return;
    this.seconds = Number(process.hrtime.bigint() - this.t0) / 1e9;
    this.cpu = processCpuSeconds() - this.cpu0;
    if (this.brokerPid) this.brokerCpu = pidCpuSeconds(this.brokerPid) - this.broker0;
  }
}

function processCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** User + system CPU of a process (children excluded), from /proc. */
export function pidCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ; // utime, stime: the 14th and 15th
}


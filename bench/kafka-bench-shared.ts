// What the client bench's parts share (bench/kafka-clients.ts, kafka-client-confluent.ts,
// kafka-client-platformatic.ts): the options and results, the settings both clients use, the
// topic and CPU readings, and the digest that checks what was consumed against what was sent.
import Kafka from '@confluentinc/kafka-javascript';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { librdkafkaSecurity, type KafkaSecurity } from '../common/kafka-security.js';
import { call } from '../streams/kafka-client.js';

export const LINGER_MS = 5; // ms
export const QUEUE_FULL = -184; // RD_KAFKA_RESP_ERR__QUEUE_FULL: librdkafka's queue holds 100,000 records
export const QUEUE_FULL_WAIT_MS = 10; // ms: the queue drains at the broker's pace, far slower than we fill it
export const FLUSH_TIMEOUT_MS = 60_000; // ms
export const CONSUME_BATCH = 1_000; // records per consume(n) call
export const CONSUME_WAIT_MS = 1_000; // ms a consume(n) call waits for its first record
export const FETCH_BYTES_PER_PARTITION = 4 * 1024 * 1024; // as streams/ reads
export const FETCH_WAIT_MS = 100; // ms the broker holds a fetch with nothing new (as streams/)
export const STALL_MS = 15_000; // ms without a new record before a consume phase gives up
export const SEND_BATCH = 1_000; // records per @platformatic/kafka send()
export const SENDS_IN_FLIGHT = 4;
export const USER_HZ = 100; // /proc/<pid>/stat counts CPU in ticks of 1/100 s on Linux


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


export interface ProducePhase {
  clock: Clock;
  failed: number;
  firstError?: string;
}

export interface ClientRun {
  label: string;
  notes: string[];
  produce: ProducePhase;
  produced: number;
  consume: { clock: Clock };
  consumed: Tally;
}



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
export class Tally {
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
export function fingerprint(key: Buffer | null | undefined, value: Buffer | null | undefined): number {
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
export class Clock {
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

export function processCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** User + system CPU of a process (children excluded), from /proc. */
export function pidCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ; // utime, stime: the 14th and 15th
}



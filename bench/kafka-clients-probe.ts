// The Kafka client candidates side by side with kcat (librdkafka's own tool) in one run, on one
// broker, with the same messages (~600 random bytes over 1,000 keys): one fresh topic per producer,
// deleted at the end. Standalone (no stack is started):
//   node --import tsx bench/kafka-clients-probe.ts --brokers 127.0.0.1:29092 --messages 200000
//     [--partitions 6] [--clients confluent,platformatic] [--platformatic-dir DIR]... [--broker-pid PID]
// --platformatic-dir may be given more than once (one run per install: versions side by side);
// without it OC_PLATFORMATIC_DIR is used. The broker's CPU is reported when its process is on this
// machine (the one listening on the first broker's port, or --broker-pid). A secured cluster: the
// KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_* and KAFKA_SASL_* settings of the environment (docs/security.md).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Kafka from '@confluentinc/kafka-javascript';
import { kafkaSecurityFromEnv, librdkafkaSecurity } from '../common/kafka-security.js';
import { kcatSecurityArgs, measureClient, pidCpuSeconds, recordsInTopic, type BenchMessage, type Measurement } from './kafka-clients.js';
import { HOUR_MS } from '../common/time-units.js';

const KEYS = 1_000;
const VALUE_BYTES = 600;
const BUDGET_MS = 115_000; // ms: a run must stay under two minutes
// kcat splits its input on these (as bench/kafka.ts): no NUL, kcat takes the option as a C string.
const DELIMITER = Buffer.from([0x1e, 0x1f, 0x1c, 0x1e, 0x1f, 0x1c, 0x07, 0x1e]);
const KEY_DELIMITER = 0x1d;
const escaped = (b: Buffer) => [...b].map((x) => `\\x${x.toString(16).padStart(2, '0')}`).join('');

interface Row {
  client: string;
  produce_s: number;
  consume_s: number;
  produce_cpu_s: number;
  consume_cpu_s: number;
  broker_produce_cpu_s?: number;
  broker_consume_cpu_s?: number;
  produced: number;
  consumed: number;
  notes: string;
  placement?: string;
}

const { values: args } = parseArgs({
  options: {
    brokers: { type: 'string', default: '127.0.0.1:29092' },
    messages: { type: 'string', default: '200000' },
    partitions: { type: 'string', default: '6' },
    clients: { type: 'string', default: 'confluent,platformatic' },
    'platformatic-dir': { type: 'string', multiple: true },
    'broker-pid': { type: 'string' },
  },
});
const brokers = args.brokers.split(',');
const security = kafkaSecurityFromEnv();
const n = Number(args.messages);
const partitions = Number(args.partitions);
const brokerPid = args['broker-pid'] ? Number(args['broker-pid']) : findBrokerPid();

/** The process listening on the first broker's port, when that broker runs on this machine. */
function findBrokerPid(): number | undefined {
  const [host, port] = brokers[0].split(':');
  if (!['127.0.0.1', 'localhost'].includes(host)) return undefined;
  const hexPort = Number(port).toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A') inodes.add(`socket:[${f[9]}]`); // 0A: LISTEN
    }
  }
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) if (inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return Number(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return undefined;
}

function buildMessages(): { messages: BenchMessage[]; kcatInput: Buffer } {
  const values = randomBytes(n * VALUE_BYTES);
  const t0 = Date.now() - HOUR_MS; // ms: recent event times, inside any retention
  const messages: BenchMessage[] = new Array(n);
  const parts: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const key = Buffer.from(`device-${i % KEYS}`);
    const value = values.subarray(i * VALUE_BYTES, (i + 1) * VALUE_BYTES);
    messages[i] = { key, value, timestamp: t0 + i };
    parts.push(key, Buffer.of(KEY_DELIMITER), value, DELIMITER);
  }
  const kcatInput = Buffer.concat(parts);
  let found = 0;
  for (let at = kcatInput.indexOf(DELIMITER); at >= 0; at = kcatInput.indexOf(DELIMITER, at + DELIMITER.length)) found++;
  if (found !== n) throw new Error('the kcat delimiter occurs in the random data; run again');
  return { messages, kcatInput };
}

/** Runs a shell command; wall time, and the CPU of its processes from the shell's `times`. */
function timedShell(script: string): Promise<{ seconds: number; cpu: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('bash', ['-c', `${script}; rc=$?; times >&2; exit $rc`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) return reject(new Error(`${script.split(' ')[0]} failed (${code}): ${stderr.slice(-500)}`));
      const times = [...stderr.matchAll(/(\d+)m([\d.]+)s (\d+)m([\d.]+)s/g)].at(-1); // the children's line
      const cpu = times ? Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4]) : NaN;
      resolve({ seconds, cpu, stderr });
    });
  });
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

async function measureKcat(topic: string, inputFile: string, kcatSecurity: string[]): Promise<Row> {
  const b = brokers.join(',');
  const broker0 = brokerPid ? pidCpuSeconds(brokerPid) : 0;
  const produce = await timedShell(
    ['kcat', ...kcatSecurity, '-P', '-q', '-b', b, '-t', topic, '-D', escaped(DELIMITER), '-K', escaped(Buffer.of(KEY_DELIMITER)), '-z', 'snappy', '-X', 'enable.idempotence=true', '-X', 'acks=all', '-X', `linger.ms=5`]
      .map(quote)
      .join(' ') + ` < ${quote(inputFile)}`,
  );
  const broker1 = brokerPid ? pidCpuSeconds(brokerPid) : 0;
  const produced = await recordsInTopic(brokers, topic, partitions, security);
  const broker2 = brokerPid ? pidCpuSeconds(brokerPid) : 0;
  // No -q: kcat tells on stderr at which offset it reached each partition's end.
  const consume = await timedShell(['kcat', ...kcatSecurity, '-C', '-b', b, '-t', topic, '-o', 'beginning', '-e', '-f', '%s'].map(quote).join(' ') + ' > /dev/null');
  const broker3 = brokerPid ? pidCpuSeconds(brokerPid) : 0;
  const ends = new Map<string, number>();
  for (const m of consume.stderr.matchAll(/Reached end of topic \S+ \[(\d+)\] at offset (\d+)/g)) ends.set(m[1], Number(m[2]));
  const consumed = [...ends.values()].reduce((s, x) => s + x, 0);
  return {
    client: `kcat (librdkafka ${kcatLibrdkafka()})`,
    produce_s: produce.seconds,
    consume_s: consume.seconds,
    produce_cpu_s: produce.cpu,
    consume_cpu_s: consume.cpu,
    broker_produce_cpu_s: brokerPid ? broker1 - broker0 : undefined,
    broker_consume_cpu_s: brokerPid ? broker3 - broker2 : undefined,
    produced,
    consumed,
    notes:
      `kcat -P -z snappy -X enable.idempotence=true -X acks=all -X linger.ms=5 (partitioner consistent_random, its default); kcat -C -o beginning -e (no group, isolation.level read_committed by default); ` +
      `timed from process start to exit (connect included); consumed = sum of the end offsets kcat reached`,
  };
}

function kcatLibrdkafka(): string {
  try {
    const out = execFileSync('kcat', ['-V'], { encoding: 'utf8' });
    return /librdkafka ([\d.]+)/.exec(out)?.[1] ?? '?';
  } catch {
    return '?';
  }
}

type Admin = ReturnType<typeof Kafka.AdminClient.create>;
const adminCall = (fn: (cb: (err: unknown) => void) => void) => new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

async function main(): Promise<void> {
  const clients = args.clients.split(',').filter(Boolean);
  const dirs = args['platformatic-dir'] ?? [process.env.OC_PLATFORMATIC_DIR ?? ''];
  const prefix = `bench-clients-${randomBytes(3).toString('hex')}`;
  const runs: { name: string; topic: string; dir?: string }[] = [{ name: 'kcat', topic: `${prefix}-kcat` }];
  for (const c of clients) {
    // In the order given: a run after another may find the broker warmer (or busier).
    if (c === 'confluent') runs.push({ name: 'confluent', topic: `${prefix}-confluent` });
    else if (c === 'platformatic') dirs.forEach((dir, i) => runs.push({ name: 'platformatic', topic: `${prefix}-platformatic${i}`, dir: dir || undefined }));
    else throw new Error(`unknown client ${c} (confluent, platformatic)`);
  }

  const admin: Admin = Kafka.AdminClient.create({ 'bootstrap.servers': brokers.join(','), 'client.id': 'bench-clients-probe', ...(librdkafkaSecurity(security) as object) });
  const tmp = mkdtempSync(join(tmpdir(), 'oc-kafka-clients-'));
  const watchdog = setTimeout(() => {
    process.stderr.write(`over the ${BUDGET_MS / 1000} s budget: giving up\n`);
    void cleanup().finally(() => process.exit(2));
  }, BUDGET_MS).unref();
  const cleanup = async () => {
    for (const r of runs) await adminCall((cb) => admin.deleteTopic(r.topic, 10_000, cb)).catch(() => undefined);
    admin.disconnect();
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    for (const r of runs) await adminCall((cb) => admin.createTopic({ topic: r.topic, num_partitions: partitions, replication_factor: 1 }, 10_000, cb));
    const { messages, kcatInput } = buildMessages();
    const inputFile = join(tmp, 'messages.bin');
    writeFileSync(inputFile, kcatInput);
    say(`${n} messages of ${VALUE_BYTES} random bytes over ${KEYS} keys, ${partitions} partitions, broker ${brokers.join(',')}` + (brokerPid ? ` (pid ${brokerPid})` : ' (CPU not visible)'));
    say(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${process.version}`);

    const rows: Row[] = [];
    for (const r of runs) {
      if (r.name === 'kcat') {
        rows.push(await measureKcat(r.topic, inputFile, kcatSecurityArgs(security, tmp)));
        continue;
      }
      try {
        const m: Measurement = await measureClient({ client: r.name as 'confluent' | 'platformatic', brokers, security, topic: r.topic, messages, partitions, platformaticDir: r.dir, brokerPid });
        rows.push(m);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        say(`${r.name}${r.dir ? ` (${r.dir})` : ''}: ${code === 'BENCH_CLIENT_MISSING' ? '' : 'FAILED: '}${(err as Error).message}`);
      }
    }
    say(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    report(rows);
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

function report(rows: Row[]): void {
  const kcat = rows[0];
  const rate = (s: number) => Math.round(n / s);
  const f2 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(2));
  const head = ['client', 'produce msg/s', 'wall s', 'cpu s', 'broker cpu s', 'consume msg/s', 'wall s', 'cpu s', 'broker cpu s', 'produce/kcat', 'consume/kcat', 'records'];
  const lines = rows.map((r) => [
    r.client,
    rate(r.produce_s).toLocaleString('en-US'),
    f2(r.produce_s),
    f2(r.produce_cpu_s),
    f2(r.broker_produce_cpu_s),
    rate(r.consume_s).toLocaleString('en-US'),
    f2(r.consume_s),
    f2(r.consume_cpu_s),
    f2(r.broker_consume_cpu_s),
    (kcat.produce_s / r.produce_s).toFixed(3),
    (kcat.consume_s / r.consume_s).toFixed(3),
    r.produced === n && r.consumed === n ? 'all' : `${r.produced} in topic, ${r.consumed} read`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (l: string[]) => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  say('');
  say(fmt(head));
  for (const l of lines) say(fmt(l));
  say('(cpu s: the client process, all its threads, over the timed window; kcat: its process from start to exit)');
  const placements = new Set(rows.map((r) => r.placement).filter(Boolean));
  if (placements.size > 1) say('RECORDS SIT ON DIFFERENT PARTITIONS depending on the client (placement digests differ)');
  else if (placements.size === 1) say('same records on the same partitions with every client (placement digests equal)');
  say('');
  for (const r of rows) say(`${r.client}: ${r.notes}`);
  const json: Record<string, unknown> = { bench: 'kafka-clients', messages: n };
  for (const r of rows) {
    const k = r.client.split(' ')[0];
    const name = k === 'platformatic' ? `platformatic_${r.client.split(' ')[1].replace(/\W/g, '_')}` : k;
    json[`${name}_produce_msgs_s`] = rate(r.produce_s);
    json[`${name}_consume_msgs_s`] = rate(r.consume_s);
    if (r !== kcat) {
      json[`${name}_produce_ratio`] = Number((kcat.produce_s / r.produce_s).toFixed(3));
      json[`${name}_consume_ratio`] = Number((kcat.consume_s / r.consume_s).toFixed(3));
    }
  }
  say(JSON.stringify(json));
}

function say(s: string): void {
  process.stdout.write(`${s}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});

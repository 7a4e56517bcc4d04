// Kafka throughput next to kcat (librdkafka), same broker, same run, same messages: Avro-encoded
// metric batches (one poll's samples each).
//   --client streams (default): the project's streams layer, which encodes as it produces (the
//     serde is part of the layer) and decodes through the registry serde in a consumer group;
//   --client confluent | platformatic: a bare client (kafka-clients.ts) moving the same bytes
//     pre-encoded, to compare the candidates on equal terms; platformatic is not a dependency of
//     the project: install it apart and name its folder with OC_PLATFORMATIC_DIR.
// kcat moves the same bytes pre-encoded and reads them raw.
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { kafkaSecurityOf } from '../common/kafka-security.js';
import { createLogger } from '../common/log.js';
import { connectStreams, prefixedTopics, type Streams } from '../streams/index.js';
import type { MetricBatch } from '../schemas/types.js';
import type { BenchContext } from './run.js';
import { kcatSecurityArgs, measureClient } from './kafka-clients.js';
import { DAY_MS } from '../common/time-units.js';

const CLIENTS = ['streams', 'confluent', 'platformatic'] as const;
type Client = (typeof CLIENTS)[number];

/** `[COUNT] [--client NAME]` */
function parseArgs(args: string[]): { n: number; client: Client } {
  let n = 200_000;
  let client: Client = 'streams';
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--client') {
      const c = args[++i] as Client;
      if (!CLIENTS.includes(c)) throw new Error(`kafka bench: --client must be one of ${CLIENTS.join(', ')}, not "${args[i]}"`);
      client = c;
    } else if (/^\d+$/.test(args[i])) n = Number(args[i]);
    else throw new Error(`kafka bench: unknown argument "${args[i]}" (usage: kafka [COUNT] [--client ${CLIENTS.join('|')}])`);
  }
  return { n, client };
}

// Recent event times: topics delete records older than their retention by timestamp.
const RECENT_MS = Math.floor((Date.now() - DAY_MS) / 1000) * 1000;

// kcat splits its input on this byte string. No NUL in it: kcat parses the option as a C string.
const DELIMITER_BYTES = Buffer.from([0x1e, 0x1f, 0x1c, 0x1e, 0x1f, 0x1c, 0x07, 0x1e]);
const MESSAGE_DELIMITER = [...DELIMITER_BYTES].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
const KEY_DELIMITER = '\\x1d';

function sampleBatch(i: number, devices: number): MetricBatch {
  const deviceId = `bench-${i % devices}`;
  return {
    deviceId,
    source: 'snmp',
    ts: RECENT_MS + i * 10,
    samples: Array.from({ length: 8 }, (_, k) => ({
      seriesKey: `${deviceId}/if_in_bps{ifName=eth${k}}`,
      metric: 'if_in_bps',
      labels: { ifName: `eth${k}` },
      unit: 'bps',
      value: (i * 7919 + k * 104729) % 1e9,
    })),
  };
}

function timed(cmd: string, args: string[], stdinFile?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('sh', ['-c', `${cmd} ${args.map((a) => `'${a}'`).join(' ')}${stdinFile ? ` < '${stdinFile}'` : ''} > /dev/null`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t0) / 1e9) : reject(new Error(`${cmd} failed (${code}): ${err.slice(-500)}`))));
  });
}

async function consumeOurs(streams: Streams, topic: string, n: number): Promise<number> {
  let seen = 0;
  let t0 = 0n;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const consumer = streams.consumer({
    groupId: `bench-${randomBytes(4).toString('hex')}`,
    topics: [topic],
    maxBytesPerPartition: 8 * 1024 * 1024,
    handler: async (records) => {
      if (t0 === 0n) t0 = process.hrtime.bigint();
      seen += records.length;
      if (seen >= n) done();
    },
  });
  await consumer.start();
  await finished;
  // From the first batch on: the group join (a one-off of a few hundred ms) is not throughput.
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await consumer.stop();
  return seconds;
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const { n, client } = parseArgs(ctx.args);
  const logger = createLogger({ role: 'bench' }, 'warn');
  const prefix = `bench${randomBytes(3).toString('hex')}.`;
  const config = {
    kafkaBrokers: ctx.kafkaBrokers,
    schemaRegistryUrl: ctx.registryUrl,
    partitions: 6,
    replicationFactor: 1,
    topicPrefix: prefix,
    compression: 'snappy',
    ...ctx.kafkaSecurity,
  } as const;
  const security = kafkaSecurityOf(ctx.kafkaSecurity);
  const topics = prefixedTopics(prefix);
  const kcatTopic = `${prefix}kcat`;
  const streams = await connectStreams({ config, clientId: 'bench', logger, writes: ['metrics'] });
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-'));
  try {
    await streams.admin.ensureTopics([{ name: kcatTopic, partitions: 6, config: {} }], 1);
    const batches = Array.from({ length: n }, (_, i) => sampleBatch(i, 1_000));
    // The same bytes for kcat: key, key delimiter, Avro value, message delimiter.
    const parts: Buffer[] = [];
    for (const b of batches) {
      const value = streams.serde.encode(topics.metrics, b);
      if (value.includes(DELIMITER_BYTES)) throw new Error('message delimiter occurs in the data; choose another');
      parts.push(Buffer.from(b.deviceId), Buffer.from([0x1d]), value, DELIMITER_BYTES);
    }
    const file = join(dir, 'messages.bin');
    writeFileSync(file, Buffer.concat(parts));
    const bytesPerMessage = Math.round(parts.reduce((s, p) => s + p.length, 0) / n);
    ctx.say(`kafka bench (${client}): ${n} messages of ~${bytesPerMessage} bytes (Avro metric batch of 8 samples), 6 partitions, snappy, acks=all, idempotent`);

    let produceS: number;
    let consumeS: number;
    let notes = '';
    if (client === 'streams') {
      const chunk = 2_000;
      const t0 = process.hrtime.bigint();
      const sends: Promise<void>[] = [];
      for (let i = 0; i < n; i += chunk) {
        sends.push(streams.producer.send(topics.metrics, batches.slice(i, i + chunk).map((b) => ({ key: b.deviceId, value: b, timestamp: b.ts }))));
        if (sends.length >= 8) await sends.shift();
      }
      await Promise.all(sends);
      produceS = Number(process.hrtime.bigint() - t0) / 1e9;
      consumeS = await consumeOurs(streams, topics.metrics, n);
    } else {
      const topic = `${prefix}${client}`;
      await streams.admin.ensureTopics([{ name: topic, partitions: 6, config: {} }], 1);
      const messages = batches.map((b) => ({ key: Buffer.from(b.deviceId), value: streams.serde.encode(topics.metrics, b), timestamp: b.ts }));
      const m = await measureClient({ client, brokers: ctx.kafkaBrokers, security, topic, messages, partitions: 6 });
      if (m.consumed !== n) throw new Error(`kafka bench: ${client} consumed ${m.consumed} of ${n}: ${m.notes}`);
      produceS = m.produce_s;
      consumeS = m.consume_s;
      notes = m.notes;
    }

    const brokers = ctx.kafkaBrokers.join(',');
    const kcatSecurity = kcatSecurityArgs(security, dir);
    const kcatProduceS = await timed('kcat', [...kcatSecurity, '-P', '-q', '-b', brokers, '-t', kcatTopic, '-D', MESSAGE_DELIMITER, '-K', KEY_DELIMITER, '-z', 'snappy', '-X', 'enable.idempotence=true', '-X', 'acks=all', '-X', 'linger.ms=5'], file);
    const kcatCount = [...(await streams.admin.endOffsets(kcatTopic)).values()].reduce((a, b) => a + b, 0n);
    if (kcatCount !== BigInt(n)) throw new Error(`kcat produced ${kcatCount} messages, expected ${n}`);

    const kcatConsumeS = await timed('kcat', [...kcatSecurity, '-C', '-q', '-b', brokers, '-t', kcatTopic, '-o', 'beginning', '-e', '-f', '%s']);

    const f = (x: number) => Math.round(x);
    const figures = {
      client: client === 'streams' ? 'streams (@confluentinc/kafka-javascript native)' : client,
      produce_msgs_s: f(n / produceS),
      kcat_produce_msgs_s: f(n / kcatProduceS),
      consume_msgs_s: f(n / consumeS),
      kcat_consume_msgs_s: f(n / kcatConsumeS),
      produce_ratio: Number((kcatProduceS / produceS).toFixed(3)),
      consume_ratio: Number((kcatConsumeS / consumeS).toFixed(3)),
    };
    ctx.say(`produce: ours ${figures.produce_msgs_s} msg/s, kcat ${figures.kcat_produce_msgs_s} msg/s, ratio ${figures.produce_ratio}`);
    ctx.say(`consume: ours ${figures.consume_msgs_s} msg/s (${client === 'streams' ? 'decoded' : 'raw'}), kcat ${figures.kcat_consume_msgs_s} msg/s (raw), ratio ${figures.consume_ratio}`);
    ctx.say('(ours is timed from its first batch, after the group join; kcat from process start, no group)');
    if (notes) ctx.say(notes);
    await streams.admin.deleteTopics([...Object.values(topics), kcatTopic, `${prefix}${client}`]).catch(() => undefined);
    return figures;
  } finally {
    await streams.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

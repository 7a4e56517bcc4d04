// Kafka throughput of the streams layer next to kcat (librdkafka), same broker, same run, same
// messages: Avro-encoded metric batches (one poll's samples each). Ours encodes as it produces
// (the serde is part of the layer); kcat moves the same bytes pre-encoded. Consumption: ours
// decodes through the registry serde in a consumer group; kcat reads the raw bytes.
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../common/log.js';
import { connectStreams, prefixedTopics, type Streams } from '../streams/index.js';
import type { MetricBatch } from '../schemas/types.js';
import type { BenchContext } from './run.js';

// Recent event times: topics delete records older than their retention by timestamp.
const RECENT_MS = Math.floor((Date.now() - 24 * 3600 * 1000) / 1000) * 1000;

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
  const n = Number(ctx.args[0] ?? 200_000);
  const logger = createLogger({ role: 'bench' }, 'warn');
  const prefix = `bench${randomBytes(3).toString('hex')}.`;
  const config = {
    kafkaBrokers: ctx.kafkaBrokers,
    schemaRegistryUrl: ctx.registryUrl,
    partitions: 6,
    replicationFactor: 1,
    topicPrefix: prefix,
    compression: 'snappy',
  } as const;
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
    ctx.say(`kafka bench: ${n} messages of ~${bytesPerMessage} bytes (Avro metric batch of 8 samples), 6 partitions, snappy, acks=all, idempotent`);

    const chunk = 2_000;
    const t0 = process.hrtime.bigint();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < n; i += chunk) {
      sends.push(streams.producer.send(topics.metrics, batches.slice(i, i + chunk).map((b) => ({ key: b.deviceId, value: b, timestamp: b.ts }))));
      if (sends.length >= 8) await sends.shift();
    }
    await Promise.all(sends);
    const produceS = Number(process.hrtime.bigint() - t0) / 1e9;

    const brokers = ctx.kafkaBrokers.join(',');
    const kcatProduceS = await timed('kcat', ['-P', '-q', '-b', brokers, '-t', kcatTopic, '-D', MESSAGE_DELIMITER, '-K', KEY_DELIMITER, '-z', 'snappy', '-X', 'enable.idempotence=true', '-X', 'acks=all', '-X', 'linger.ms=5'], file);
    const kcatCount = [...(await streams.admin.endOffsets(kcatTopic)).values()].reduce((a, b) => a + b, 0n);
    if (kcatCount !== BigInt(n)) throw new Error(`kcat produced ${kcatCount} messages, expected ${n}`);

    const consumeS = await consumeOurs(streams, topics.metrics, n);
    const kcatConsumeS = await timed('kcat', ['-C', '-q', '-b', brokers, '-t', kcatTopic, '-o', 'beginning', '-e', '-f', '%s']);

    const f = (x: number) => Math.round(x);
    const figures = {
      produce_msgs_s: f(n / produceS),
      kcat_produce_msgs_s: f(n / kcatProduceS),
      consume_msgs_s: f(n / consumeS),
      kcat_consume_msgs_s: f(n / kcatConsumeS),
      produce_ratio: Number((kcatProduceS / produceS).toFixed(3)),
      consume_ratio: Number((kcatConsumeS / consumeS).toFixed(3)),
    };
    ctx.say(`produce: ours ${figures.produce_msgs_s} msg/s, kcat ${figures.kcat_produce_msgs_s} msg/s, ratio ${figures.produce_ratio}`);
    ctx.say(`consume: ours ${figures.consume_msgs_s} msg/s (decoded), kcat ${figures.kcat_consume_msgs_s} msg/s (raw), ratio ${figures.consume_ratio}`);
    ctx.say('(ours is timed from its first batch, after the group join; kcat from process start, no group)');
    await streams.admin.deleteTopics([...Object.values(topics), kcatTopic]).catch(() => undefined);
    return figures;
  } finally {
    await streams.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

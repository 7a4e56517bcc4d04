// Processor throughput with transactions on: the full transform chain next to a pass-through
// processor (consume, re-produce the bytes unchanged, same runtime, same transactions per commit
// interval) over the same input in the same run. The chain checkpoints its state as the
// processor role does (processors/chain-codec.ts). Each phase also prints its CPU time (steadier
// than wall time on a shared machine), its transaction count and when its first and last records
// were transformed (so group join and restore show apart from the work).
import { randomBytes } from 'node:crypto';
import { createLogger } from '../common/log.js';
import { connectStreams, createTransactionalProcessor, prefixedTopics, type Streams } from '../streams/index.js';
import { syntheticPoll } from './synthetic-polls.js';
import { processRaw, type DeviceChainState } from '../processors/chain.js';
import { emitChainOutput } from '../processors/emit-outputs.js';
import { chainStateCodec } from '../processors/chain-codec.js';
import { transactionMetrics } from '../streams/transactional-metrics.js';
import type { BenchContext } from './run.js';
import { DAY_MS } from '../common/time-units.js';

// Recent event times: topics delete records older than their retention by timestamp.
const RECENT_MS = Math.floor((Date.now() - DAY_MS) / 1000) * 1000;

const INTERFACES = 8;

const poll = (device: number, n: number) => syntheticPoll(`bench-${device}`, n, RECENT_MS + n * 10_000, INTERFACES);

type Options = Parameters<typeof createTransactionalProcessor<DeviceChainState>>[0];

async function timeProcessor(streams: Streams, prefix: string, name: string, n: number, build: (s: Streams) => Options['transform'], outTopic: string, stateCodec?: Options['stateCodec']): Promise<number> {
  const groupId = prefix + name; // streams prefixes the group it is given
  const transform = build(streams);
  let first = 0n;
  let last = 0n;
  const timed: Options['transform'] = { apply: (st, r, emit) => { last = process.hrtime.bigint(); if (first === 0n) first = last; return transform.apply(st, r, emit); } };
  const processor = streams.transactional<DeviceChainState>({ groupId: name, inputTopics: [streams.topics.rawSnmp], changelogTopic: streams.topics.processorState, transform: timed, stateCodec });
  const endBefore = [...(await streams.admin.endOffsets(outTopic)).values()].reduce((a, b) => a + b, 0n);
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await processor.start();
  // Done when the group's committed offsets reach the input's end on every partition.
  const inputEnd = await streams.admin.endOffsets(streams.topics.rawSnmp);
  for (;;) {
    const committed = await streams.admin.groupOffsets(groupId, streams.topics.rawSnmp);
    if ([...inputEnd].every(([p, end]) => (committed.get(p) ?? -1n) >= end)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  await processor.stop();
  const committed = (await transactionMetrics.committed.get()).values.find((v) => v.labels.group === groupId)?.value ?? 0;
  const ms = (t: bigint) => (Number(t - t0) / 1e6).toFixed(0);
  // CPU time of this process (the broker's is not in it): steadier than wall time on a loaded machine.
  process.stdout.write(`${name}: ${seconds.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU, ${committed} transactions; first record at ${ms(first)} ms, last at ${ms(last)} ms\n`);
  const endAfter = [...(await streams.admin.endOffsets(outTopic)).values()].reduce((a, b) => a + b, 0n);
  if (endAfter - endBefore < BigInt(n)) throw new Error(`${name}: expected at least ${n} output offsets, saw ${endAfter - endBefore}`);
  return seconds;
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const n = Number(ctx.args[0] ?? 40_000);
  const devices = 500;
  const logger = createLogger({ role: 'bench' }, 'warn');
  const prefix = `benchp${randomBytes(3).toString('hex')}.`;
  const config = { kafkaBrokers: ctx.kafkaBrokers, schemaRegistryUrl: ctx.registryUrl, partitions: 6, replicationFactor: 1, topicPrefix: prefix, compression: 'snappy', ...ctx.kafkaSecurity } as const;
  const streams = await connectStreams({ config, clientId: 'bench-processor', logger, writes: ['rawSnmp', 'metrics', 'live', 'baselines', 'anomalies', 'health'] });
  const passTopic = `${prefix}bench.passthrough`;
  try {
    await streams.admin.ensureTopics([{ name: passTopic, partitions: 6, config: {} }], 1);
    for (let i = 0; i < n; i += 2_000) {
      const batch = Array.from({ length: Math.min(2_000, n - i) }, (_, k) => poll((i + k) % devices, Math.floor((i + k) / devices)));
      await streams.producer.send(streams.topics.rawSnmp, batch.map((p) => ({ key: p.deviceId, value: p, timestamp: p.polledAt })));
    }
    ctx.say(`processor bench: ${n} raw SNMP polls (${INTERFACES} interfaces, ${devices} devices), 6 partitions, transactions per commit interval`);
    const passS = await timeProcessor(streams, prefix, 'passthrough', n, () => ({ apply: (state, r, emit) => (emit.raw(passTopic, r.key, r.raw.value, r.timestamp), state) }), passTopic);
    const chainS = await timeProcessor(
      streams,
      prefix,
      'chain',
      n,
      (s) => ({
        apply: (state, r, emit) => {
          const out = processRaw(state, 'snmp', r.value);
          emitChainOutput(s.topics, emit, out, r.partition);
          return out.state;
        },
      }),
      streams.topics.metrics,
      chainStateCodec, // as the processor role checkpoints
    );
    const figures = { readings_s: Math.round(n / chainS), passthrough_s: Math.round(n / passS), ratio: Number((passS / chainS).toFixed(3)) };
    ctx.say(`full chain (normalize, live, baselines, detection, health; state checkpointed): ${figures.readings_s} readings/s; pass-through: ${figures.passthrough_s} readings/s; ratio ${figures.ratio}`);
    await streams.admin.deleteTopics([...Object.values(prefixedTopics(prefix)), passTopic]).catch(() => undefined);
    return figures;
  } finally {
    await streams.close();
  }
}

// `replay --from T [--to T] [--target-prefix P]`: reprocesses the raw topics from the start of the
// log through the same transform chain, with fresh state, and produces the outputs whose event
// time lies in [from, to] — to the live output topics (sinks and consumers deduplicate by
// (series, ts) and anomaly id) or to another deployment's topics, for comparison or backfill.
// Everything is derived from event time, so a replay yields what the first pass produced.
// Limit: readings of different protocols for one device are interleaved in arrival order, as in
// the live processor; a device's health mixing sources can differ where that order did.
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/log.js';
import { OpsError } from '../../common/errors.js';
import { connectStreams, prefixedTopics, type Emit, type OutRecord } from '../../streams/index.js';
import { readInventoryTopic } from '../../streams/inventory-topic.js';
import { processorSettings } from '../settings.js';
import { processorAnalysis } from '../analysis-setup.js';
import type { DeviceFacts } from '../rules/user-rules.js';
import { processRaw, type DeviceChainState } from '../chain.js';
import { emitChainOutput, rawTopicKinds } from '../emit-outputs.js';

function timeArg(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new OpsError('CONFIG_INVALID', `--${name} must be ms since epoch or an ISO time, got "${v}"`);
  return n;
}

export async function runReplayCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ inputs: number; outputs: number }> {
  const { values } = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' }, 'target-prefix': { type: 'string' } } });
  const from = timeArg('from', values.from, 0);
  const to = timeArg('to', values.to, Number.MAX_SAFE_INTEGER);
  // The processor's settings: a replay judges with the same profiles, analysis file and rules.
  const config = loadConfig(processorSettings, env);
  const logger = createLogger({ role: 'replay' });
  const target = prefixedTopics(values['target-prefix'] ?? config.topicPrefix);
  const streams = await connectStreams({ config, clientId: 'replay', logger, writes: [] });
  // The target deployment's topics and schemas (they may be another prefix's).
  const out = await connectStreams({ config: { ...config, topicPrefix: values['target-prefix'] ?? config.topicPrefix }, clientId: 'replay-out', logger, writes: ['metrics', 'live', 'baselines', 'anomalies', 'health'] });
  const devices = new Map<string, DeviceFacts>([...(await readInventoryTopic(streams, logger))].map(([id, d]) => [id, { role: d.role, site: d.site }]));
  const analysis = processorAnalysis(config, logger, devices, false).current();
  const { topics } = streams;
  const kinds = rawTopicKinds(topics);
  const ends = new Map<string, Map<number, bigint>>();
  for (const t of kinds.keys()) ends.set(t, await streams.admin.endOffsets(t));
  const pending = new Set([...ends].flatMap(([t, m]) => [...m].filter(([, end]) => end > 0n).map(([p]) => `${t}:${p}`)));
  const states = new Map<string, DeviceChainState>();
  let inputs = 0;
  let outputs = 0;
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  if (pending.size === 0) finish();

  const consumer = streams.consumer({
    groupId: `replay-${randomUUID()}`,
    topics: [...kinds.keys()],
    stateless: true,
    fromBeginning: true,
    handler: async (records) => {
      const batch = new Map<string, OutRecord[]>();
      const emit: Emit = Object.assign(
        (topic: string, key: string, value: unknown, ts?: number) => {
          if (ts === undefined || ts < from || ts > to) return;
          const list = batch.get(topic) ?? [];
          list.push({ key, value, timestamp: ts });
          batch.set(topic, list);
        },
        { raw: () => undefined },
      );
      for (const r of records) {
        const end = ends.get(r.topic)?.get(r.partition) ?? 0n;
        if (BigInt(r.offset) >= end) continue; // written after the replay started
        inputs++;
        const key = r.key ?? '';
        const result = processRaw(states.get(key), kinds.get(r.topic)!, r.value, analysis);
        states.set(key, result.state);
        emitChainOutput(target, emit, result, r.partition);
        if (BigInt(r.offset) + 1n >= end) pending.delete(`${r.topic}:${r.partition}`);
      }
      for (const [topic, list] of batch) {
        await out.producer.send(topic, list);
        outputs += list.length;
      }
      if (pending.size === 0) finish();
    },
  });
  await consumer.start();
  await done;
  await consumer.stop();
  await out.close();
  await streams.close();
  logger.info('replay finished', { inputs, outputs, from, to, target: values['target-prefix'] ?? config.topicPrefix });
  return { inputs, outputs };
}

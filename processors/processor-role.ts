// Composition root of the `processor` role: raw readings → normalize → metrics and live topics.
// Outputs are produced before the input offsets are committed, so nothing acknowledged is lost;
// the exactly-once transactional runtime replaces this at-least-once loop (see issue 4).
import { loadConfig } from '../common/config.js';
import { createLogger } from '../common/log.js';
import { OpsError } from '../common/errors.js';
import { runRole } from '../common/role.js';
import { connectStreams, type OutRecord, type Streams, type StreamConsumer } from '../streams/index.js';
import type { RawSnmpPoll } from '../schemas/types.js';
import { processorSettings } from './settings.js';
import { newChainState, processSnmpPoll } from './chain.js';

export async function runProcessorRole(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(processorSettings, env);
  const logger = createLogger({ role: 'processor' });
  const state = newChainState();
  let streams!: Streams;
  let consumer!: StreamConsumer;
  return runRole({ role: 'processor', opsHost: config.opsHost, opsPort: config.opsPort, logger }, [
    {
      name: 'streams',
      start: async () => {
        streams = await connectStreams({ config, clientId: 'processor', logger, writes: ['metrics', 'live'] });
      },
      stop: () => streams.close(),
    },
    {
      name: 'normalize',
      start: async () => {
        consumer = streams.consumer({
          groupId: config.groupId,
          topics: [streams.topics.rawSnmp],
          handler: async (records, ctx) => {
            const metrics: OutRecord[] = [];
            const live: OutRecord[] = [];
            for (const r of records) {
              try {
                const out = processSnmpPoll(state, r.value as RawSnmpPoll);
                metrics.push({ key: out.metrics.deviceId, value: out.metrics, timestamp: out.metrics.ts });
                if (out.live) live.push({ key: out.live.deviceId, value: out.live, timestamp: out.live.ts });
              } catch (err) {
                await ctx.deadLetter(r, 'normalize', new OpsError('TRANSFORM_FAILED', `normalize failed for ${r.key}: ${(err as Error).message}`, { cause: err }));
              }
            }
            await Promise.all([streams.producer.send(streams.topics.metrics, metrics), streams.producer.send(streams.topics.live, live)]);
          },
        });
        await consumer.start();
      },
      stop: () => consumer.stop(),
      ready: () => consumer.isReady(),
    },
  ]);
}

// Composition root of the `processor` role: raw readings → normalize → metrics and live topics,
// exactly once: each consumed batch's outputs, state changes and offsets commit in one Kafka
// transaction (streams/transactional.ts); state is restored from the changelog on assignment.
import { loadConfig } from '../common/config.js';
import { createLogger } from '../common/log.js';
import { runRole } from '../common/role.js';
import { connectStreams, createTransactionalProcessor, type Streams, type TransactionalProcessor } from '../streams/index.js';
import type { RawSnmpPoll } from '../schemas/types.js';
import { processorSettings } from './settings.js';
import { processSnmpPoll, type DeviceChainState } from './chain.js';

export async function runProcessorRole(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(processorSettings, env);
  const logger = createLogger({ role: 'processor' });
  let streams!: Streams;
  let processor!: TransactionalProcessor;
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
        const { topics } = streams;
        processor = streams.transactional<DeviceChainState>({
          groupId: config.groupId,
          sessionTimeoutMs: config.sessionTimeoutMs,
          inputTopics: [topics.rawSnmp],
          changelogTopic: topics.processorState,
          transform: {
            apply: (state, record, emit) => {
              const out = processSnmpPoll(state, record.value as RawSnmpPoll);
              emit(topics.metrics, out.metrics.deviceId, out.metrics, out.metrics.ts);
              if (out.live) emit(topics.live, out.live.deviceId, out.live, out.live.ts);
              return out.state;
            },
          },
        });
        await processor.start();
      },
      stop: () => processor.stop(),
      ready: () => processor.isReady(),
    },
  ]);
}

// Composition root of the `processor` role: raw readings of every protocol → normalize → metrics,
// live points, baselines, anomalies and health,
// exactly once: outputs, state changes and consumed offsets commit together in Kafka transactions
// (streams/transactional.ts); state is restored from the changelog on assignment.
import { loadConfig } from '../common/config.js';
import { createLogger } from '../common/log.js';
import { runRole } from '../common/role.js';
import { connectStreams, type Streams, type TransactionalProcessor } from '../streams/index.js';
import { processorSettings } from './settings.js';
import { processRaw, type DeviceChainState } from './chain.js';
import { chainStateCodec } from './chain-codec.js';
import { emitChainOutput, rawTopicKinds } from './emit-outputs.js';
import { processorAnalysis } from './analysis-setup.js';
import { followDeviceFacts, type DeviceFactsFollower } from './rules/device-facts.js';
import type { DeviceFacts } from './rules/user-rules.js';
import { unnamedPortReporter } from './normalize/unnamed-ports.js';

export async function runProcessorRole(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(processorSettings, env);
  const logger = createLogger({ role: 'processor' });
  // File rules hot-reload: the config object each record is analysed with is replaced, never
  // changed, so a record sees one set of rules. Their role/site scopes read the inventory.
  const devices = new Map<string, DeviceFacts>();
  const analysis = processorAnalysis(config, logger, devices, true);
  let streams!: Streams;
  let facts!: DeviceFactsFollower;
  let processor!: TransactionalProcessor;
  return runRole({ role: 'processor', opsHost: config.opsHost, opsPort: config.opsPort, logger }, [
    {
      name: 'streams',
      start: async () => {
        streams = await connectStreams({ config, clientId: 'processor', logger, writes: ['metrics', 'live', 'baselines', 'anomalies', 'health'] });
      },
      stop: async () => {
        analysis.stop();
        await streams.close();
      },
    },
    {
      name: 'inventory',
      start: async () => {
        facts = await followDeviceFacts(streams, devices);
      },
      stop: () => facts.stop(),
      ready: () => facts.isReady(),
    },
    {
      name: 'normalize',
      start: async () => {
        const { topics } = streams;
        const kinds = rawTopicKinds(topics);
        const reportUnnamed = unnamedPortReporter(logger);
        processor = streams.transactional<DeviceChainState>({
          groupId: config.groupId,
          sessionTimeoutMs: config.sessionTimeoutMs,
          commitIntervalMs: config.commitIntervalMs,
          ...(config.instanceId ? { instanceId: config.instanceId } : {}),
          inputTopics: [...kinds.keys()],
          changelogTopic: topics.processorState,
          stateCodec: chainStateCodec, // format 3: a few records per checkpoint (reads formats 1 and 2 too)
          transform: {
            apply: (state, record, emit) => {
              const out = processRaw(state, kinds.get(record.topic)!, record.value, analysis.current());
              emitChainOutput(topics, emit, out, record.partition);
              reportUnnamed(out.metrics.deviceId, out.metrics.source, out.unnamedPorts);
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

// Composition root of the `collector` role: inventory consumer (which devices are mine) →
// scheduler (when) → protocol pollers (how) → raw topics. Started in that dependency order,
// stopped in reverse: stop scheduling, let polls in flight publish, then leave the group.
import { loadConfig } from '../common/config.js';
import { createLogger } from '../common/log.js';
import { runRole, type Component } from '../common/role.js';
import { connectStreams, type Streams, type StreamConsumer } from '../streams/index.js';
import type { Device } from '../schemas/types.js';
import { createSnmpPoller } from './snmp/poller.js';
import { snmpTargetOf } from './snmp-target.js';
import { collectorSettings } from './settings.js';
import { InventoryView } from './inventory-view.js';
import { PollScheduler } from './scheduler.js';

export async function runCollectorRole(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(collectorSettings, env);
  const logger = createLogger({ role: 'collector', collectorId: config.collectorId });
  let streams!: Streams;
  let inventory!: StreamConsumer;
  const view = new InventoryView();
  const poller = createSnmpPoller({
    timeoutMs: config.snmpTimeoutMs,
    retries: config.snmpRetries,
    maxRepetitions: config.snmpMaxRepetitions,
    collectorId: config.collectorId,
    logger,
  });
  const scheduler = new PollScheduler<Device>({
    protocol: 'snmp',
    intervalMs: config.intervalMs,
    concurrency: config.concurrency,
    poll: async (device) => {
      const target = snmpTargetOf(device);
      if (!target.ok) {
        logger.warn('device cannot be polled over SNMP', { deviceId: device.deviceId, code: target.code, reason: target.message });
        return;
      }
      for (const profile of device.snmp?.profiles ?? ['interfaces']) {
        const reading = await poller.poll(target.target, profile);
        try {
          await streams.producer.send(streams.topics.rawSnmp, [{ key: device.deviceId, value: reading, timestamp: reading.polledAt }]);
        } catch (err) {
          logger.error('reading could not be published', { deviceId: device.deviceId, profile, err });
        }
      }
    },
  });

  const components: Component[] = [
    {
      name: 'streams',
      start: async () => {
        streams = await connectStreams({ config, clientId: `collector-${config.collectorId}`, logger, writes: ['rawSnmp'] });
      },
      stop: () => streams.close(),
    },
    {
      name: 'inventory',
      start: async () => {
        inventory = streams.consumer({
          groupId: config.groupId,
          topics: [streams.topics.inventory],
          stateless: true,
          fromBeginning: true,
          sessionTimeoutMs: config.sessionTimeoutMs,
          onAssignment: (assigned) => {
            for (const id of view.assign(assigned.get(streams.topics.inventory) ?? [])) scheduler.remove(id);
            logger.info('inventory assignment', { devices: view.size });
          },
          handler: async (records) => {
            const before = scheduler.size;
            for (const r of records) {
              if (!r.key) continue;
              const change = view.apply(r.partition, r.key, r.value as Device | null);
              if (change?.kind === 'upsert') scheduler.upsert(change.device.deviceId, change.device);
              else if (change?.kind === 'remove') scheduler.remove(change.deviceId);
            }
            if (scheduler.size !== before) logger.info('devices polled by this collector', { devices: scheduler.size });
          },
        });
        await inventory.start();
      },
      stop: async () => {
        await scheduler.stop();
        await inventory.stop();
        poller.close();
      },
      ready: () => inventory.isReady(),
    },
  ];
  return runRole({ role: 'collector', opsHost: config.opsHost, opsPort: config.opsPort, logger }, components);
}

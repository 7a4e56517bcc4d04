// Composition root of the `collector` role: inventory consumer (which devices are mine) → one
// scheduler per protocol (when) → protocol pollers (how) → raw topics. Started in that dependency
// order, stopped in reverse: stop scheduling, let polls in flight publish, then leave the group.
import { loadConfig } from '../common/config.js';
import { createLogger } from '../common/log.js';
import { runRole, type Component } from '../common/role.js';
import { connectStreams, type Streams, type StreamConsumer } from '../streams/index.js';
import type { Device } from '../schemas/types.js';
import { openCredentialStoreFromEnv } from '../credentials/open-store.js';
import { collectorSettings } from './settings.js';
import { InventoryView } from './inventory-view.js';
import { PollScheduler } from './scheduler.js';
import { forgetDeviceMetrics } from './device-metrics.js';
import { buildProtocolPlans } from './protocols.js';
import { registerUserProfiles } from './snmp/profiles.js';

export async function runCollectorRole(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(collectorSettings, env);
  const logger = createLogger({ role: 'collector', collectorId: config.collectorId });
  const credentials = openCredentialStoreFromEnv(env); // refuses to start with a store but no key
  // Before the pollers are built: they plan each profile's requests once. A bad file stops the start.
  const userProfiles = registerUserProfiles(config.snmpProfilesDir);
  if (userProfiles.length > 0) logger.info('user SNMP profiles loaded', { dir: config.snmpProfilesDir, profiles: userProfiles });
  const plans = buildProtocolPlans(config, { logger, credentials: credentials.store });
  let streams!: Streams;
  let inventory!: StreamConsumer;
  const view = new InventoryView();
  const schedulers = plans.map(
    (plan) =>
      new PollScheduler<Device>({
        protocol: plan.protocol,
        intervalMs: plan.intervalMs,
        concurrency: config.concurrency,
        poll: async (device) => {
          const readings = await plan.poll(device);
          if (readings.length === 0) return;
          try {
            await streams.producer.send(
              streams.topics[plan.topic],
              readings.map((r) => ({ key: device.deviceId, value: r.value, timestamp: r.at })),
            );
          } catch (err) {
            logger.error('readings could not be published', { deviceId: device.deviceId, protocol: plan.protocol, err });
          }
        },
      }),
  );
  const upsert = (device: Device) => plans.forEach((plan, i) => (plan.applies(device) ? schedulers[i].upsert(device.deviceId, device) : schedulers[i].remove(device.deviceId)));
  const remove = (deviceId: string) => {
    schedulers.forEach((s) => s.remove(deviceId));
    forgetDeviceMetrics(deviceId);
  };

  const components: Component[] = [
    {
      name: 'streams',
      start: async () => {
        streams = await connectStreams({ config, clientId: `collector-${config.collectorId}`, logger, writes: [...new Set(plans.map((p) => p.topic))] });
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
            for (const id of view.assign(assigned.get(streams.topics.inventory) ?? [])) remove(id);
            logger.info('inventory assignment', { devices: view.size });
          },
          handler: async (records) => {
            const before = view.size;
            for (const r of records) {
              if (!r.key) continue;
              const change = view.apply(r.partition, r.key, r.value as Device | null);
              if (change?.kind === 'upsert') upsert(change.device);
              else if (change?.kind === 'remove') remove(change.deviceId);
            }
            if (view.size !== before) logger.info('devices polled by this collector', { devices: view.size, byProtocol: Object.fromEntries(plans.map((p, i) => [p.protocol, schedulers[i].size])) });
          },
        });
        await inventory.start();
      },
      stop: async () => {
        await Promise.all(schedulers.map((s) => s.stop()));
        await inventory.stop();
        plans.forEach((p) => p.close());
      },
      ready: () => inventory.isReady(),
    },
  ];
  return runRole({ role: 'collector', opsHost: config.opsHost, opsPort: config.opsPort, logger }, components);
}

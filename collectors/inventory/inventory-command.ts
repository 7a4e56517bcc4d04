// `inventory import FILE`: publishes the YAML inventory to the compacted inventory.devices topic,
// keyed by device id. `inventory sync-netbox` / `inventory serve-webhook`: NetBox as the source
// (netbox-command.ts). `inventory sync-links`: NetBox cables and LLDP neighbours → inventory.links
// (links-command.ts).
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/log.js';
import { connectStreams, streamSettings } from '../../streams/index.js';
import { readInventoryFile } from './yaml-inventory.js';
import { runNetboxCommand } from './netbox-command.js';
import { runLinksCommand } from './links-command.js';

export async function runInventoryCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const [verb, file] = argv;
  if (verb === 'sync-netbox' || verb === 'serve-webhook') return runNetboxCommand(verb, env);
  if (verb === 'sync-links') return runLinksCommand(env);
  if (verb !== 'import' || !file) throw new Error('usage: inventory import FILE.yaml | sync-netbox | serve-webhook | sync-links');
  const config = loadConfig(streamSettings, env);
  const logger = createLogger({ role: 'inventory' });
  const { devices, problems } = readInventoryFile(file);
  for (const p of problems) logger.warn('inventory entry skipped', { file, entry: p.entry, deviceId: p.deviceId, code: p.code, reason: p.message });
  const streams = await connectStreams({ config, clientId: 'inventory', logger, writes: ['inventory'] });
  try {
    await streams.producer.send(
      streams.topics.inventory,
      devices.map((d) => ({ key: d.deviceId, value: d, timestamp: d.updatedAt })),
    );
    logger.info('inventory published', { file, devices: devices.length, skipped: problems.length });
  } finally {
    await streams.close();
  }
}

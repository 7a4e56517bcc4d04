// `inventory sync-links`: NetBox cables and LLDP neighbours → inventory.links, once, or every
// LINKS_SYNC_INTERVAL_MS when > 0 (until SIGINT/SIGTERM). NetBox settings as for sync-netbox
// (NETBOX_URL empty: LLDP only, links OBSERVED). SNMP credentials come from the credential store
// the inventory names, as the collectors read them.

import { loadConfig, defineSettings } from '../../common/config.js';
import { createLogger } from '../../common/log.js';
import { connectStreams } from '../../streams/index.js';
import { openCredentialStoreFromEnv } from '../../credentials/open-store.js';
import { netboxSettings, periodic, untilSignal } from './netbox-command.js';
import { LINKS_SYNC_DEFAULTS, syncLinks } from './links-sync.js';
import { DAY_MS } from '../../common/time-units.js';

export const linksSettings = defineSettings({
  ...netboxSettings,
  linksSyncIntervalMs: { kind: 'int', env: 'LINKS_SYNC_INTERVAL_MS', default: 0, min: 0, max: DAY_MS, doc: 'links sync period (NetBox cables and LLDP neighbours); 0 syncs once' },
  lldpConcurrency: { kind: 'int', env: 'LLDP_CONCURRENCY', default: LINKS_SYNC_DEFAULTS.concurrency, min: 1, max: 1_000, doc: 'devices whose LLDP table is walked at once' },
  lldpTimeoutMs: { kind: 'int', env: 'LLDP_TIMEOUT_MS', default: LINKS_SYNC_DEFAULTS.timeoutMs, min: 100, max: 60_000, doc: 'SNMP timeout per attempt of an LLDP walk (a device’s own snmp.timeoutMs wins)' },
});

export async function runLinksCommand(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(linksSettings, env);
  const logger = createLogger({ role: 'inventory', command: 'sync-links' });
  const credentials = openCredentialStoreFromEnv(env);
  if (!credentials.enabled) logger.warn('no credential store: devices whose SNMP credential is a stored name cannot be walked for LLDP');
  const streams = await connectStreams({ config, clientId: 'inventory-links', logger, writes: ['links'] });
  const netbox =
    config.netboxUrl && config.netboxToken ? { url: config.netboxUrl, token: config.netboxToken, pageSize: config.netboxPageSize, maxBodyBytes: config.netboxMaxBodyBytes } : null;
  const sync = () =>
    syncLinks({ streams, logger, netbox, credentials: credentials.store, lldp: { concurrency: config.lldpConcurrency, timeoutMs: config.lldpTimeoutMs } });
  try {
    if (config.linksSyncIntervalMs === 0) {
      await sync();
      return;
    }
    const stop = periodic(sync, config.linksSyncIntervalMs, logger);
    await untilSignal();
    stop();
  } finally {
    await streams.close();
  }
}

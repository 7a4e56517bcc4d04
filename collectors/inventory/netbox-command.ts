// `inventory sync-netbox` and `inventory serve-webhook`.
//   sync-netbox     one full sync, or every NETBOX_SYNC_INTERVAL_MS when > 0 (until SIGINT/SIGTERM)
//   serve-webhook   the NetBox event-rule endpoint, plus the periodic full sync when NETBOX_URL is set
// NETBOX_URL, NETBOX_TOKEN (v1 "Token" or v2 "nbt_…"), NETBOX_PAGE_SIZE (200), NETBOX_MAX_BODY_BYTES (32 MiB), NETBOX_FILTER
// ("status=active&site=nyc1"), NETBOX_SYNC_INTERVAL_MS (0 = once), NETBOX_WEBHOOK_HOST (127.0.0.1),
// NETBOX_WEBHOOK_PORT (18091), NETBOX_WEBHOOK_SECRET (required by serve-webhook),
// NETBOX_WEBHOOK_INSECURE (false; true accepts unsigned events, a lab only),
// NETBOX_WEBHOOK_MAX_AGE_S (300), NETBOX_WEBHOOK_MAX_BODY_BYTES (1 MiB).

import { loadConfig, defineSettings } from '../../common/config.js';
import { createLogger, type Logger } from '../../common/log.js';
import { connectStreams, streamSettings, type Streams } from '../../streams/index.js';
import { openCredentialStoreFromEnv } from '../../credentials/open-store.js';
import { syncNetbox } from './netbox-sync.js';
import { assertWebhookSecured, startNetboxWebhook } from './netbox-webhook.js';
import { OpsError } from '../../common/errors.js';
import { DAY_MS } from '../../common/time-units.js';

export const netboxSettings = defineSettings({
  ...streamSettings,
  netboxUrl: { kind: 'string', env: 'NETBOX_URL', default: '', doc: 'NetBox base URL (http://host:port); empty: no sync' },
  netboxToken: { kind: 'secret', env: 'NETBOX_TOKEN', default: '', fromFile: true, doc: 'NetBox API token (v1 40 hex, or v2 nbt_…)' },
  netboxPageSize: { kind: 'int', env: 'NETBOX_PAGE_SIZE', default: 200, min: 1, max: 1_000, doc: 'devices per NetBox page' },
  netboxMaxBodyBytes: { kind: 'int', env: 'NETBOX_MAX_BODY_BYTES', default: 33_554_432, min: 65_536, max: 1_073_741_824, doc: 'largest NetBox answer read (a page of devices); a larger one fails the sync with NETBOX_TOO_LARGE' },
  netboxFilter: { kind: 'string', env: 'NETBOX_FILTER', default: '', doc: 'extra query for /api/dcim/devices/, e.g. status=active&site=nyc1' },
  syncIntervalMs: { kind: 'int', env: 'NETBOX_SYNC_INTERVAL_MS', default: 0, min: 0, max: DAY_MS, doc: 'full sync period; 0 syncs once' },
  webhookHost: { kind: 'string', env: 'NETBOX_WEBHOOK_HOST', default: '127.0.0.1', doc: 'address the webhook endpoint listens on' },
  webhookPort: { kind: 'int', env: 'NETBOX_WEBHOOK_PORT', default: 18_091, min: 0, max: 65_535, doc: 'port of the webhook endpoint' },
  webhookSecret: { kind: 'secret', env: 'NETBOX_WEBHOOK_SECRET', default: '', fromFile: true, doc: 'HMAC-SHA512 secret of the NetBox webhook (X-Hook-Signature); serve-webhook refuses to start without it' },
  webhookInsecure: { kind: 'bool', env: 'NETBOX_WEBHOOK_INSECURE', default: false, doc: 'accept unsigned webhook events when no secret is set: anyone reaching the port changes the inventory (a lab only)' },
  webhookMaxAgeS: { kind: 'int', env: 'NETBOX_WEBHOOK_MAX_AGE_S', default: 300, min: 10, max: 86_400, doc: 'events whose timestamp is further than this from now are refused (replays, clock skew)' },
  webhookMaxBodyBytes: { kind: 'int', env: 'NETBOX_WEBHOOK_MAX_BODY_BYTES', default: 1_048_576, min: 4_096, max: 67_108_864, doc: 'largest webhook body; a larger one is answered 413' },
});

export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function periodic(run: () => Promise<unknown>, everyMs: number, logger: Logger): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    await run().catch((err) => logger.error('sync failed; next try at the next interval', { err }));
    if (!stopped) timer = setTimeout(() => void tick(), everyMs);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

export async function runNetboxCommand(verb: 'sync-netbox' | 'serve-webhook', env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(netboxSettings, env);
  const logger = createLogger({ role: 'inventory', command: verb });
  if (verb === 'sync-netbox' && (!config.netboxUrl || !config.netboxToken)) throw new OpsError('CONFIG_MISSING', 'inventory sync-netbox needs NETBOX_URL and NETBOX_TOKEN');
  if (verb === 'serve-webhook') assertWebhookSecured({ secret: config.webhookSecret, insecure: config.webhookInsecure }); // before anything connects
  const credentials = openCredentialStoreFromEnv(env);
  const knownCredential = credentials.enabled ? (name: string) => credentials.store.get(name) !== undefined : undefined;
  const streams: Streams = await connectStreams({ config, clientId: 'inventory-netbox', logger, writes: ['inventory'] });
  const sync = () =>
    syncNetbox({
      client: { url: config.netboxUrl, token: config.netboxToken, pageSize: config.netboxPageSize, maxBodyBytes: config.netboxMaxBodyBytes, filter: Object.fromEntries(new URLSearchParams(config.netboxFilter)) },
      mapping: { knownCredential },
      streams,
      logger,
    });
  try {
    if (verb === 'sync-netbox' && config.syncIntervalMs === 0) {
      await sync();
      return;
    }
    const hook =
      verb === 'serve-webhook'
        ? await startNetboxWebhook({
            host: config.webhookHost,
            port: config.webhookPort,
            secret: config.webhookSecret || undefined,
            insecure: config.webhookInsecure,
            maxAgeMs: config.webhookMaxAgeS * 1000,
            maxBodyBytes: config.webhookMaxBodyBytes,
            mapping: { knownCredential },
            streams,
            logger,
          })
        : null;
    const stopSync = config.netboxUrl && config.netboxToken ? periodic(sync, config.syncIntervalMs || 300_000, logger) : () => undefined;
    await untilSignal();
    stopSync();
    await hook?.close();
  } finally {
    await streams.close();
  }
}

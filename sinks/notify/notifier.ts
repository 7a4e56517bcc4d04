// The notifier: telemetry.anomalies → webhooks and e-mail, per route. Pages on OPEN and CLOSE only
// (UPDATEs, including flapping re-opens, never page), at most once per (anomalyId, state, route,
// channel), and a series that paged within the quiet period does not page again. Delivery happens
// inside the batch handler, so offsets are committed only once this batch was delivered or given up.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../common/log.js';
import type { Streams, StreamConsumer, InRecord } from '../../streams/index.js';
import type { AnomalyEvent, Device } from '../../schemas/types.js';
import { routeMatches, type DeviceFacts, type Route } from './routes.js';
import { postSigned, type webhookDefaults } from './webhook.js';
import { sendMailRetrying, type SmtpOptions, type SMTP_RETRY_DEFAULTS } from './smtp.js';
import { createDeliveryLog, Lru } from './dedup.js';
import { webhookPayload, mailOf } from './format.js';
import { notifyMetrics } from './metrics.js';

export interface NotifierOptions {
  streams: Streams;
  groupId: string;
  routes: Route[];
  /** ms of event time after an OPEN page during which the same series does not page again. */
  quietMs: number;
  logger: Logger;
  /** Cross-restart dedup; undefined or 'off': in-memory only. */
  redisUrl?: string;
  redisKeyPrefix?: string;
  webhook?: Partial<typeof webhookDefaults>;
  /** STARTTLS, CA and AUTH for every e-mail route (smtpOptionsOf builds it from the settings). */
  smtp?: SmtpOptions;
  smtpRetry?: Partial<typeof SMTP_RETRY_DEFAULTS>;
  sessionTimeoutMs?: number;
}

export interface Notifier {
  ready(): boolean;
  stop(): Promise<void>;
  /** Devices known from inventory.devices (for tests and debugging). */
  devices: ReadonlyMap<string, DeviceFacts>;
}

export async function startNotifier(opts: NotifierOptions): Promise<Notifier> {
  const { streams, logger } = opts;
  const devices = new Map<string, DeviceFacts>();
  const deliveries = createDeliveryLog({ redisUrl: opts.redisUrl, keyPrefix: opts.redisKeyPrefix, logger });
  const lastPage = new Lru<{ anomalyId: string; ts: number }>(100_000); // seriesKey → last OPEN paged
  const quieted = new Lru<true>(100_000); // anomalyIds whose OPEN was held back: their CLOSE is too
  let stopping = false;

  // Every replica needs every device: a group of its own, never committed, read from the start.
  const inventory = streams.consumer({
    groupId: `${opts.groupId}-inventory-${randomBytes(4).toString('hex')}`,
    topics: [streams.topics.inventory],
    stateless: true,
    fromBeginning: true,
    handler: async (records) => {
      for (const r of records) {
        if (!r.key) continue;
        const d = r.value as Device | null;
        if (d === null) devices.delete(r.key);
        else devices.set(r.key, { site: d.site || undefined, role: d.role || undefined });
      }
    },
  });

  async function deliver(ev: AnomalyEvent, route: Route, channel: 'webhook' | 'email', device: DeviceFacts) {
    const key = `${ev.anomalyId}|${ev.state}|${route.name}|${channel}`;
    if (await deliveries.seen(key)) {
      notifyMetrics.suppressed.inc({ reason: 'duplicate' });
      return;
    }
    try {
      if (channel === 'webhook') {
        const w = route.webhook!;
        await postSigned(w.url, w.secret, webhookPayload(ev, route.name, device), { ...opts.webhook, idempotencyKey: key });
      } else {
        const e = route.email!;
        await sendMailRetrying(e.smtpHost, e.smtpPort, { from: e.from, to: e.to, ...mailOf(ev, device) }, opts.smtp, opts.smtpRetry);
      }
      await deliveries.remember(key);
      notifyMetrics.sent.inc({ channel, route: route.name });
      logger.info('notification sent', { channel, route: route.name, anomalyId: ev.anomalyId, state: ev.state, deviceId: ev.deviceId });
    } catch (err) {
      // Given up: holding the partition forever would stop every other page behind it.
      notifyMetrics.failed.inc({ channel, route: route.name });
      logger.error('notification failed', { channel, route: route.name, anomalyId: ev.anomalyId, state: ev.state, err });
    }
  }

  async function handle(r: InRecord) {
    const ev = r.value as AnomalyEvent | null;
    if (!ev) return;
    if (ev.state === 'UPDATE') return void notifyMetrics.suppressed.inc({ reason: 'update' });
    if (ev.state === 'OPEN') {
      const last = lastPage.get(ev.seriesKey);
      if (last && last.anomalyId !== ev.anomalyId && ev.ts - last.ts >= 0 && ev.ts - last.ts < opts.quietMs) {
        quieted.set(ev.anomalyId, true);
        return void notifyMetrics.suppressed.inc({ reason: 'quiet' });
      }
      if (!last || last.anomalyId !== ev.anomalyId) lastPage.set(ev.seriesKey, { anomalyId: ev.anomalyId, ts: ev.ts });
    } else if (quieted.get(ev.anomalyId)) {
      return void notifyMetrics.suppressed.inc({ reason: 'quiet' });
    }
    const device = devices.get(ev.deviceId) ?? {};
    const matched = opts.routes.filter((route) => routeMatches(route, ev, device));
    if (matched.length === 0) return void notifyMetrics.suppressed.inc({ reason: 'no-route' });
    const jobs: Promise<void>[] = [];
    for (const route of matched) {
      if (route.webhook) jobs.push(deliver(ev, route, 'webhook', device));
      if (route.email) jobs.push(deliver(ev, route, 'email', device));
    }
    await Promise.all(jobs);
  }

  const anomalies = streams.consumer({
    groupId: opts.groupId,
    topics: [streams.topics.anomalies],
    fromBeginning: true,
    sessionTimeoutMs: opts.sessionTimeoutMs,
    handler: async (records, ctx) => {
      for (const r of records) {
        if (stopping) throw new Error('notifier stopping'); // uncommitted: redelivered, deduplicated
        try {
          await handle(r);
        } catch (err) {
          await ctx.deadLetter(r, 'notify', err);
        }
        await ctx.heartbeat(); // deliveries with retries can take seconds each
      }
    },
  });

  await inventory.start();
  await anomalies.start();
  return {
    devices,
    ready: () => inventory.isReady() && anomalies.isReady(),
    async stop() {
      stopping = true;
      await anomalies.stop();
      await inventory.stop();
      await deliveries.close();
    },
  };
}

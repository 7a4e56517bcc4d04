// The notifier: telemetry.anomalies → webhooks and e-mail, per route. Pages on OPEN and CLOSE only
// (UPDATEs, including flapping re-opens, never page), at most once per (anomalyId, state, route,
// channel), and a series that paged within the quiet period does not page again. Operators'
// decisions (alarm.operations) hold pages back: a silence in force at the event's time, a
// maintenance window the anomaly opened in, a parent down (alarms/parent-down.ts: the device is
// reachable only through a down one); an acknowledgement stops its escalation. Delivery happens
// inside the batch handler, so offsets are committed only once this batch was delivered or given up.
import type { Logger } from '../../common/log.js';
import type { Streams, InRecord } from '../../streams/index.js';
import { followCompacted, intoMap } from '../../streams/follow-compacted.js';
import { INVENTORY_CATCH_UP } from '../../streams/inventory-topic.js';
import type { AnomalyEvent, Device } from '../../schemas/types.js';
import { routeMatches, type DeviceFacts, type Route } from './routes.js';
import { postSigned, type webhookDefaults } from './webhook.js';
import { sendMailRetrying, type SmtpOptions, type SMTP_RETRY_DEFAULTS } from './smtp.js';
import { createDeliveryLog, Lru } from './dedup.js';
import { webhookPayload, mailOf } from './format.js';
import { notifyMetrics } from './metrics.js';
import { followAlarmOperations, type AlarmFeed } from '../../alarms/alarm-feed.js';
import { Escalations, RESTORE_DEFAULTS, type EscalationDue, type StoredEscalation } from './escalation.js';
import { createPendingStores } from './pending-store.js';
import { HeldBySilence, type HeldAnomaly } from './held-by-silence.js';
import { followParentDown, type ParentDownFeed } from '../../alarms/parent-down-feed.js';
import { DEVICE_DOWN_DETECTORS, type Upstream } from '../../alarms/parent-down.js';

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
  /** ms pending work reloaded at start waits before it may page (escalation.ts); tests shorten it. */
  restoreGraceMs?: number;
  /** ms between checks for anomalies whose silence is over (held-by-silence.ts); tests shorten it. */
  silenceSweepMs?: number;
  /** Parent-down suppression: absent, off. settleMs: how long a dependent device's OPEN waits for its parent's outage to be read. */
  parentDown?: { upstream: Upstream; settleMs: number };
}

export interface Notifier {
  ready(): boolean;
  stop(): Promise<void>;
  /** Devices known from inventory.devices (for tests and debugging). */
  devices: ReadonlyMap<string, DeviceFacts>;
  /** Silences, maintenance windows and acknowledgements as read from alarm.operations. */
  alarms: AlarmFeed;
  /** Escalations waiting for their deadline. */
  pendingEscalations(): number;
  /** Open anomalies a silence or a parent down holds back, to page when it is over. */
  heldBySilence(): number;
  /** Topology and outages, when parent-down suppression is on. */
  parents: ParentDownFeed | null;
}

export async function startNotifier(opts: NotifierOptions): Promise<Notifier> {
  const { streams, logger } = opts;
  const devices = new Map<string, DeviceFacts>();
  const deliveries = createDeliveryLog({ redisUrl: opts.redisUrl, keyPrefix: opts.redisKeyPrefix, logger });
  const lastPage = new Lru<{ anomalyId: string; ts: number }>(100_000); // seriesKey → last OPEN paged
  const quieted = new Lru<true>(100_000); // anomalyIds whose OPEN was held back: their CLOSE is too
  let stopping = false;
  const pendingWork = createPendingStores({ redisUrl: opts.redisUrl, keyPrefix: opts.redisKeyPrefix, logger });
  const escalations = new Escalations(new Map(opts.routes.map((r) => [r.name, r])), (due) => escalate(due), pendingWork?.of<StoredEscalation>('escalations'), opts.restoreGraceMs);
  const factsOf = (ev: AnomalyEvent, device: DeviceFacts) => ({ deviceId: ev.deviceId, site: device.site, role: device.role, detector: ev.detector, severity: ev.severity });
  const alarms = await followAlarmOperations(streams, {
    groupPrefix: opts.groupId,
    logger,
    // An acknowledgement pauses paging for good: nothing pending escalates any more.
    onChange: (key, op) => {
      if (op?.kind === 'ACKNOWLEDGEMENT' && escalations.cancel(op.id) > 0) notifyMetrics.suppressed.inc({ reason: 'acknowledged' });
    },
  });

  const parents = opts.parentDown ? await followParentDown(streams, { groupPrefix: opts.groupId, logger, upstream: opts.parentDown.upstream, siteOf: (d) => devices.get(d)?.site }) : null;
  const settleMs = opts.parentDown?.settleMs ?? 0;
  const parentHeld = new Map<string, number>(); // anomalyId → last ms epoch a down parent held its page

  /** Held by a down parent now, or was until less than settleMs ago. */
  function heldByParent(ev: AnomalyEvent): boolean {
    if (!parents) return false;
    const now = Date.now();
    if (parents.view().suppressedBy(ev.deviceId, ev.detector, ev.anomalyId)) return parentHeld.set(ev.anomalyId, now), true;
    // The parent is back: the devices behind it answer again within a poll or two and close their
    // anomalies; only one still open after that is a problem of its own, worth a page.
    const last = parentHeld.get(ev.anomalyId);
    return last !== undefined && now - last < settleMs;
  }

  /** The page of a down device names how many devices are reachable only through it. */
  function withContext(ev: AnomalyEvent, device: DeviceFacts): DeviceFacts {
    const behind = parents && ev.state === 'OPEN' && DEVICE_DOWN_DETECTORS.has(ev.detector) ? parents.view().behind(ev.deviceId) : 0;
    return behind > 0 ? { ...device, suppressing: behind } : device;
  }

  const held = new HeldBySilence(
    (ev, device) => {
      if (alarms.book.acknowledged(ev.anomalyId)) return parentHeld.delete(ev.anomalyId), 'drop';
      return alarms.book.suppressionOf(factsOf(ev, device), Date.now(), ev.startedAt) || heldByParent(ev) ? 'hold' : 'page';
    },
    async (ev, heldDevice) => {
      if (stopping) return;
      quieted.delete(ev.anomalyId); // paged now, so its CLOSE will be too
      parentHeld.delete(ev.anomalyId);
      logger.info('no longer held back, anomaly still open: paging', { anomalyId: ev.anomalyId, deviceId: ev.deviceId });
      const device = withContext(ev, heldDevice);
      const matched = opts.routes.filter((route) => routeMatches(route, ev, device));
      await Promise.all(matched.map((route) => pageOn(route, ev, device)));
    },
    opts.silenceSweepMs,
    pendingWork?.of<HeldAnomaly>('held-by-silence'),
  );

  /** True when this call delivered (not a duplicate, not given up). */
  async function deliver(ev: AnomalyEvent, route: Route, channel: 'webhook' | 'email', device: DeviceFacts, escalatedFrom?: string): Promise<boolean> {
    const key = `${ev.anomalyId}|${escalatedFrom ? 'ESCALATED' : ev.state}|${route.name}|${channel}`;
    if (await deliveries.seen(key)) {
      notifyMetrics.suppressed.inc({ reason: 'duplicate' });
      return false;
    }
    try {
      if (channel === 'webhook') {
        const w = route.webhook!;
        await postSigned(w.url, w.secret, webhookPayload(ev, route.name, device, escalatedFrom), { ...opts.webhook, idempotencyKey: key });
      } else {
        const e = route.email!;
        await sendMailRetrying(e.smtpHost, e.smtpPort, { from: e.from, to: e.to, ...mailOf(ev, device, escalatedFrom) }, opts.smtp, opts.smtpRetry);
      }
      await deliveries.remember(key);
      notifyMetrics.sent.inc({ channel, route: route.name });
      logger.info('notification sent', { channel, route: route.name, anomalyId: ev.anomalyId, state: ev.state, deviceId: ev.deviceId, escalatedFrom });
      return true;
    } catch (err) {
      // Given up: holding the partition forever would stop every other page behind it.
      notifyMetrics.failed.inc({ channel, route: route.name });
      logger.error('notification failed', { channel, route: route.name, anomalyId: ev.anomalyId, state: ev.state, escalatedFrom, err });
      return false;
    }
  }

  async function pageOn(route: Route, ev: AnomalyEvent, device: DeviceFacts): Promise<void> {
    const sent = await Promise.all([route.webhook && deliver(ev, route, 'webhook', device), route.email && deliver(ev, route, 'email', device)]);
    if (ev.state === 'OPEN' && sent.some(Boolean) && !alarms.book.acknowledged(ev.anomalyId)) escalations.schedule(ev, route, device);
  }

  async function escalate({ ev, from, to, device }: EscalationDue): Promise<void> {
    if (stopping) return;
    // Checked again at the deadline: the acknowledgement may have arrived while the timer ran.
    if (alarms.book.acknowledged(ev.anomalyId)) return void notifyMetrics.suppressed.inc({ reason: 'acknowledged' });
    notifyMetrics.escalated.inc({ route: from.name, to: to.name });
    await Promise.all([to.webhook && deliver(ev, to, 'webhook', device, from.name), to.email && deliver(ev, to, 'email', device, from.name)]);
  }

  async function handle(r: InRecord) {
    const ev = r.value as AnomalyEvent | null;
    if (!ev) return;
    if (ev.state === 'UPDATE') return void notifyMetrics.suppressed.inc({ reason: 'update' });
    const device = devices.get(ev.deviceId) ?? {};
    if (ev.state === 'CLOSE') {
      escalations.cancel(ev.anomalyId);
      // Held by a silence or a parent (known here, or reloaded after a restart): its CLOSE is held too.
      const byParent = parentHeld.delete(ev.anomalyId);
      if (held.release(ev.anomalyId) || byParent) return void notifyMetrics.suppressed.inc({ reason: byParent ? 'parent-down' : 'silenced' });
    }
    if (ev.state === 'OPEN') {
      if (alarms.book.acknowledged(ev.anomalyId)) {
        // Acknowledged already (a redelivery, a replay): the operator has it, no page again.
        quieted.set(ev.anomalyId, true);
        return void notifyMetrics.suppressed.inc({ reason: 'acknowledged' });
      }
      const holder = alarms.book.suppressionOf(factsOf(ev, device), ev.ts, ev.startedAt);
      if (holder) {
        // Its CLOSE is held back too: a resolution of something never paged is noise.
        quieted.set(ev.anomalyId, true);
        if (holder.kind === 'SILENCE') held.hold(ev, device); // paged if still open when the silence is over
        logger.info('page held back', { anomalyId: ev.anomalyId, deviceId: ev.deviceId, by: holder.kind, id: holder.id });
        return void notifyMetrics.suppressed.inc({ reason: holder.kind === 'SILENCE' ? 'silenced' : 'maintenance' });
      }
      if (parents) {
        const view = parents.view();
        const cause = view.suppressedBy(ev.deviceId, ev.detector, ev.anomalyId);
        // A device behind another may see its OPEN read before its parent's (other partitions,
        // other poll phases): it waits settleMs of event time to learn whether a parent is down.
        if (cause || (view.dependent(ev.deviceId) && Date.now() - ev.ts < settleMs)) {
          quieted.set(ev.anomalyId, true);
          if (cause) parentHeld.set(ev.anomalyId, Date.now());
          held.hold(ev, device, cause ? undefined : ev.ts + settleMs);
          if (cause) {
            logger.info('page held back', { anomalyId: ev.anomalyId, deviceId: ev.deviceId, by: 'PARENT_DOWN', parent: cause, parentAnomalyId: parents.downAnomalyOf(cause) });
            notifyMetrics.suppressed.inc({ reason: 'parent-down' });
          }
          return;
        }
      }
      const last = lastPage.get(ev.seriesKey);
      if (last && last.anomalyId !== ev.anomalyId && ev.ts - last.ts >= 0 && ev.ts - last.ts < opts.quietMs) {
        quieted.set(ev.anomalyId, true);
        return void notifyMetrics.suppressed.inc({ reason: 'quiet' });
      }
      if (!last || last.anomalyId !== ev.anomalyId) lastPage.set(ev.seriesKey, { anomalyId: ev.anomalyId, ts: ev.ts });
    } else if (quieted.get(ev.anomalyId)) {
      return void notifyMetrics.suppressed.inc({ reason: 'quiet' });
    }
    let matched = opts.routes.filter((route) => routeMatches(route, ev, device));
    if (matched.length === 0) return void notifyMetrics.suppressed.inc({ reason: 'no-route' });
    if (ev.state === 'CLOSE' && alarms.book.acknowledged(ev.anomalyId)) {
      // routes.ts closeAcknowledged: the operator has it; only routes that ask get its resolution.
      const asked = matched.filter((route) => route.closeAcknowledged);
      if (asked.length < matched.length) notifyMetrics.suppressed.inc({ reason: 'acknowledged' }, matched.length - asked.length);
      if (asked.length === 0) return;
      matched = asked;
    }
    const paged = withContext(ev, device);
    await Promise.all(matched.map((route) => pageOn(route, ev, paged)));
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

  // Every replica needs every device: read whole, then followed (streams/follow-compacted.ts).
  const inventory = await followCompacted<Device>(streams, streams.topics.inventory, {
    group: `${opts.groupId}-inventory`,
    catchUp: INVENTORY_CATCH_UP,
    onRecord: intoMap(devices, (d) => ({ site: d.site || undefined, role: d.role || undefined })),
  });
  await inventory.caughtUp; // a route scoped by site or role must know the device of the first page
  await alarms.caughtUp; // silences that exist now must hold back the first pages too
  await parents?.caughtUp; // so must a device that was down before this notifier started
  // Reloaded before the first anomaly is read, so a CLOSE that came while away finds its entry.
  const restored = { escalations: await escalations.restore(), heldBySilence: await held.restore(opts.restoreGraceMs ?? RESTORE_DEFAULTS.graceMs) };
  if (restored.escalations + restored.heldBySilence > 0) logger.info('pending work reloaded', restored);
  await anomalies.start();
  return {
    devices,
    alarms,
    pendingEscalations: () => escalations.pending(),
    heldBySilence: () => held.size(),
    parents,
    ready: () => inventory.isReady() && alarms.isReady() && anomalies.isReady() && (parents?.isReady() ?? true),
    async stop() {
      stopping = true;
      escalations.stop();
      held.stop();
      await anomalies.stop();
      await alarms.stop();
      await parents?.stop();
      await inventory.stop();
      await deliveries.close();
      await pendingWork?.close();
    },
  };
}

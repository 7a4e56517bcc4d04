// Alarm operations in the notifier, against real Kafka and a real webhook receiver: a silence and
// a maintenance window (both on alarm.operations before the notifier starts, so a replay must
// rebuild them) each hold a page back and stop doing so at their end time, with no restart (an
// anomaly a silence held and still open then is paged; one opened in maintenance never is); an
// acknowledged anomaly is not paged again; an unacknowledged one escalates to the second route,
// also across a notifier restart (pending work in Redis), unless it closed meanwhile; the CLOSE of an
// acknowledged anomaly goes only to a route that asks for it (closeAcknowledged); so is an
// anomaly a silence held across a restart, paged when the silence ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { register } from 'prom-client';
import { createLogger } from '../../common/log.js';
import { connectStreams, type Streams } from '../../streams/index.js';
import { testEnv, uniquePrefix, streamConfig, eventually } from '../../test/env.js';
import type { AlarmOperation, AnomalyEvent, Device } from '../../schemas/types.js';
import { alarmOperationKey } from '../../alarms/alarm-book.js';
import { startNotifier } from './notifier.js';
import { parseRoutes } from './routes.js';
import { dropTestState, webhookReceiver } from '../../test/notify-kit.js';
import { HOUR_MS } from '../../common/time-units.js';

function device(deviceId: string, site: string): Device {
  return { deviceId, hostname: deviceId, address: '192.0.2.1', site, role: 'core', platform: 'junos', vendor: 'juniper', status: 'active', tags: [], labels: {}, snmp: null, updatedAt: Date.now() };
}

function anomaly(seriesKey: string, state: AnomalyEvent['state'], startedAt: number, ts = startedAt): AnomalyEvent {
  const deviceId = seriesKey.split('/')[0];
  return {
    anomalyId: createHash('sha1').update(`${seriesKey}|${startedAt}`).digest('hex').slice(0, 32),
    state, seriesKey, deviceId, metric: 'cpu_util', labels: {}, startedAt, ts, endedAt: state === 'CLOSE' ? ts : null,
    severity: 'MAJOR', score: 1, observed: 99, expected: 20, lower: 0, upper: 60, detector: 'band', reason: `test ${seriesKey} ${state}`,
  };
}

function operation(over: Partial<AlarmOperation> & Pick<AlarmOperation, 'kind' | 'id'>): AlarmOperation {
  return { matchers: [], startsAt: Date.now() - 60_000, endsAt: null, recurrence: null, comment: 'test', createdBy: 'alice', createdAt: Date.now(), expiredBy: null, ...over };
}

/** primary pages every anomaly and escalates to oncall, which matches none of these (all MAJOR). */
function escalatingRoutes(base: string, afterMinutes: number) {
  return parseRoutes(`
- name: primary
  webhook: { url: "${base}/primary", secret: s }
  escalation: { afterMinutes: ${afterMinutes}, to: oncall }
- name: oncall
  match: { severities: [critical] }
  webhook: { url: "${base}/oncall", secret: s }
- name: tickets
  match: { devices: [rtr-3] }
  webhook: { url: "${base}/tickets", secret: s }
  closeAcknowledged: true
`);
}

const eventSender = (streams: Streams) => (evs: AnomalyEvent[]) => streams.producer.send(streams.topics.anomalies, evs.map((v) => ({ key: v.deviceId, value: v, timestamp: v.ts })));

test('silences and maintenance hold pages until their end; acknowledged anomalies do not escalate, others do', { timeout: 90_000 }, async () => {
  const logger = createLogger({ test: 'notify-alarm-ops' }, 'warn');
  const prefix = uniquePrefix('alarmops');
  const streams = await connectStreams({ config: streamConfig(prefix), clientId: 'alarm-ops-test', logger, writes: ['anomalies', 'inventory', 'alarmOperations'] });
  const { received, base, close: closeReceiver } = await webhookReceiver();
  const routes = escalatingRoutes(base, 0.05);
  const pagesOf = (path: string, anomalyId: string) => received.filter((r) => r.path === path && r.body.anomaly.anomalyId === anomalyId);
  const sendOps = (ops: AlarmOperation[]) => streams.producer.send(streams.topics.alarmOperations, ops.map((op) => ({ key: alarmOperationKey(op), value: op })));
  const sendEvents = eventSender(streams);

  const silenceEnds = Date.now() + 8_000;
  const windowEnds = Date.now() + 8_000;
  await streams.producer.send(streams.topics.inventory, ['rtr-1', 'rtr-2', 'rtr-3'].map((id, i) => ({ key: id, value: device(id, i === 1 ? 'lab-b' : 'lab-a') })));
  await sendOps([
    operation({ kind: 'SILENCE', id: 'sil-1', matchers: [{ field: 'DEVICE', regex: true, value: 'rtr-1' }, { field: 'RULE', regex: false, value: 'band' }], endsAt: silenceEnds }),
    operation({ kind: 'MAINTENANCE', id: 'mw-1', matchers: [{ field: 'SITE', regex: false, value: 'lab-b' }], endsAt: windowEnds }),
    // Silences rtr-3 only in the past: long over, it must not hold anything.
    operation({ kind: 'SILENCE', id: 'sil-old', matchers: [{ field: 'DEVICE', regex: false, value: 'rtr-3' }], startsAt: Date.now() - 2 * HOUR_MS, endsAt: Date.now() - HOUR_MS }),
  ]);

  const notifier = await startNotifier({ streams, groupId: 'alarm-ops-' + randomBytes(3).toString('hex'), routes, quietMs: 0, logger, webhook: { baseDelayMs: 50 }, silenceSweepMs: 300 });
  try {
    await eventually('notifier ready with the operations replayed', () => (notifier.ready() && notifier.alarms.book.get('SILENCE', 'sil-1') ? true : undefined), 30_000);
    await eventually('inventory loaded', () => (notifier.devices.get('rtr-2')?.site === 'lab-b' ? true : undefined), 20_000);

    // Inside the silence and the window: held back, and so are their CLOSEs.
    const now = Date.now();
    const silenced = anomaly('rtr-1/cpu_util', 'OPEN', now);
    const stillOpen = anomaly('rtr-1/mem_util', 'OPEN', now);
    const inWindow = anomaly('rtr-2/cpu_util', 'OPEN', now);
    const acked = anomaly('rtr-3/cpu_util', 'OPEN', now);
    const unacked = anomaly('rtr-3/mem_util', 'OPEN', now);
    await sendEvents([silenced, stillOpen, inWindow, acked, unacked, { ...silenced, state: 'CLOSE', ts: now + 1, endedAt: now + 1 }]);
    await eventually('the two rtr-3 anomalies paged on primary', () => (pagesOf('/primary', acked.anomalyId).length && pagesOf('/primary', unacked.anomalyId).length ? true : undefined), 20_000);
    assert.equal(notifier.pendingEscalations(), 2, 'both rtr-3 pages wait for their escalation');
    await sendOps([operation({ kind: 'ACKNOWLEDGEMENT', id: acked.anomalyId, comment: 'on it' })]);

    await eventually('the unacknowledged anomaly escalated to oncall', () => (pagesOf('/oncall', unacked.anomalyId).length ? true : undefined), 20_000);
    const escalation = pagesOf('/oncall', unacked.anomalyId)[0].body;
    assert.equal(escalation.escalatedFrom, 'primary');
    assert.equal(escalation.deliveryId, `${unacked.anomalyId}:ESCALATED`);
    await new Promise((r) => setTimeout(r, 1_500)); // the acknowledged one's deadline has passed too
    assert.deepEqual(pagesOf('/oncall', acked.anomalyId), [], 'acknowledged: not re-paged');
    assert.equal(pagesOf('/primary', acked.anomalyId).length, 1);
    // Its CLOSE: not paged to the on-call route, sent to the ticketing route that asks for it.
    await sendEvents([{ ...acked, state: 'CLOSE', ts: now + 2, endedAt: now + 2 }]);
    await eventually('the acknowledged CLOSE reached the route that asks for it', () => (pagesOf('/tickets', acked.anomalyId).some((p) => p.body.anomaly.state === 'CLOSE') ? true : undefined), 10_000);
    assert.deepEqual(pagesOf('/primary', acked.anomalyId).map((p) => p.body.anomaly.state), ['OPEN'], 'acknowledged: its CLOSE is not paged');
    assert.deepEqual(pagesOf('/primary', silenced.anomalyId), [], 'silenced: neither OPEN nor CLOSE paged');
    assert.deepEqual(pagesOf('/primary', inWindow.anomalyId), [], 'opened in maintenance: not paged');
    assert.deepEqual(pagesOf('/primary', stillOpen.anomalyId), [], 'silenced, still open: not paged yet');
    assert.equal(notifier.heldBySilence(), 1, 'the open one waits for the end of its silence; the closed one does not');

    // Past their end times, on the same notifier: the next anomalies of the same devices page.
    await new Promise((r) => setTimeout(r, Math.max(0, Math.max(silenceEnds, windowEnds) - Date.now() + 200)));
    const later = Date.now();
    const afterSilence = anomaly('rtr-1/cpu_util', 'OPEN', later);
    const afterWindow = anomaly('rtr-2/cpu_util', 'OPEN', later);
    await sendEvents([afterSilence, afterWindow]);
    await eventually('pages once the silence and the window ended', () => (pagesOf('/primary', afterSilence.anomalyId).length && pagesOf('/primary', afterWindow.anomalyId).length ? true : undefined), 20_000);
    await eventually('the anomaly still open when its silence ended is paged', () => (pagesOf('/primary', stillOpen.anomalyId).length === 1 ? true : undefined), 5_000);
    assert.deepEqual(pagesOf('/primary', inWindow.anomalyId), [], 'opened in maintenance: still not paged after the window');
    assert.deepEqual(pagesOf('/primary', silenced.anomalyId), [], 'closed under its silence: never paged');

    const counters = await register.getSingleMetricAsString('oc_notify_suppressed_total');
    for (const reason of ['silenced', 'maintenance', 'acknowledged']) assert.match(counters, new RegExp(`reason="${reason}"} [1-9]`), `suppressed ${reason} counted`);
  } finally {
    await notifier.stop();
    await streams.admin.deleteTopics(Object.values(streams.topics).filter((t) => t.startsWith(prefix))).catch(() => undefined);
    await streams.close();
    await closeReceiver();
  }
});

test('pending escalations and silenced anomalies survive a notifier restart; closed ones do not page', { timeout: 60_000 }, async () => {
  const logger = createLogger({ test: 'notify-escalation-restart' }, 'warn');
  const prefix = uniquePrefix('escrestart');
  const streams = await connectStreams({ config: streamConfig(prefix), clientId: 'esc-restart-test', logger, writes: ['anomalies', 'alarmOperations'] });
  const { received, base, close: closeReceiver } = await webhookReceiver();
  const routes = escalatingRoutes(base, 0.1);
  const opts = { streams, groupId: 'esc-' + randomBytes(3).toString('hex'), routes, quietMs: 0, logger, silenceSweepMs: 300, redisUrl: testEnv.redisUrl, redisKeyPrefix: `${prefix}:`, restoreGraceMs: 500, webhook: { baseDelayMs: 50 } };
  const sendEvents = eventSender(streams);
  let notifier = await startNotifier(opts);
  try {
    const now = Date.now();
    const silenceEnds = now + 5_000;
    const silence = operation({ kind: 'SILENCE', id: 'sil-8', matchers: [{ field: 'DEVICE', regex: false, value: 'rtr-8' }], endsAt: silenceEnds });
    await streams.producer.send(streams.topics.alarmOperations, [{ key: alarmOperationKey(silence), value: silence }]);
    await eventually('the silence read', () => (notifier.alarms.book.get('SILENCE', 'sil-8') ? true : undefined), 20_000);
    const stays = anomaly('rtr-9/cpu_util', 'OPEN', now);
    const closes = anomaly('rtr-9/mem_util', 'OPEN', now);
    const heldOpen = anomaly('rtr-8/cpu_util', 'OPEN', now);
    const heldCloses = anomaly('rtr-8/mem_util', 'OPEN', now);
    await sendEvents([stays, closes, heldOpen, heldCloses]);
    await eventually('both paged on primary', () => (received.filter((r) => r.path === '/primary').length === 2 ? true : undefined), 20_000);
    await eventually('both rtr-8 anomalies held', () => (notifier.heldBySilence() === 2 ? true : undefined), 10_000);
    await notifier.stop(); // before the 6 s deadline
    assert.equal(received.filter((r) => r.path === '/oncall').length, 0);
    const close = (a: AnomalyEvent): AnomalyEvent => ({ ...a, state: 'CLOSE', ts: now + 1_000, endedAt: now + 1_000 });
    await sendEvents([close(closes), close(heldCloses)]); // while the notifier is away
    notifier = await startNotifier(opts);
    await eventually('the pending one escalated after the restart', () => (received.some((r) => r.path === '/oncall' && r.body.anomaly.anomalyId === stays.anomalyId) ? true : undefined), 20_000);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.deepEqual(received.filter((r) => r.path === '/oncall').map((r) => r.body.anomaly.anomalyId), [stays.anomalyId], 'the closed one did not escalate');
    await new Promise((r) => setTimeout(r, Math.max(0, silenceEnds - Date.now())));
    await eventually('the held, still open one paged once its silence ended', () => (received.some((r) => r.path === '/primary' && r.body.anomaly.anomalyId === heldOpen.anomalyId) ? true : undefined), 10_000);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(received.filter((r) => r.body.anomaly.anomalyId === heldCloses.anomalyId).length, 0, 'closed under its silence, while the notifier was away: never paged');
  } finally {
    await notifier.stop();
    await dropTestState(streams, prefix);
    await closeReceiver();
  }
});

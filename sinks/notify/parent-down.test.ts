// Parent-down suppression in the notifier, against real Kafka and a real webhook receiver: the
// topology on inventory.links, device-down anomalies on telemetry.anomalies. An aggregation router
// goes down: its page is the only one and names the two devices behind it, even though one of
// theirs is read first; a notifier restarted during the outage (the outage replayed from the topic,
// what it held reloaded from Redis) holds the next one back; restoring closes all of them with only the root cause's CLOSE paged,
// and an anomaly of a device behind it that stays open after the parent is back is paged then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { register } from 'prom-client';
import { createLogger } from '../../common/log.js';
import { connectStreams } from '../../streams/index.js';
import { testEnv, uniquePrefix, streamConfig, eventually } from '../../test/env.js';
import type { AnomalyEvent, Link } from '../../schemas/types.js';
import { linkIdOf } from '../../devices/links.js';
import { startNotifier } from './notifier.js';
import { parseRoutes } from './routes.js';
import { dropTestState, webhookReceiver } from '../../test/notify-kit.js';

function anomaly(seriesKey: string, state: AnomalyEvent['state'], startedAt: number, detector: string, ts = startedAt): AnomalyEvent {
  const deviceId = seriesKey.split('/')[0];
  return {
    anomalyId: createHash('sha1').update(`${seriesKey}|${startedAt}`).digest('hex').slice(0, 32),
    state, seriesKey, deviceId, metric: seriesKey.split('/')[1], labels: {}, startedAt, ts, endedAt: state === 'CLOSE' ? ts : null,
    severity: 'CRITICAL', score: 1, observed: 0, expected: 1, lower: 1, upper: 1, detector, reason: `test ${seriesKey} ${state}`,
  };
}
const closed = (a: AnomalyEvent, ts: number): AnomalyEvent => ({ ...a, state: 'CLOSE', ts, endedAt: ts });

function link(a: string, b: string): Link {
  return { linkId: linkIdOf({ deviceId: a, ifName: 'et-0' }, { deviceId: b, ifName: 'et-1' }), aDeviceId: a, aInterface: 'et-0', bDeviceId: b, bInterface: 'et-1', sources: ['lldp', 'netbox'], state: 'CONFIRMED', difference: null, speedBps: 1e10, netboxCableId: null, updatedAt: Date.now() };
}

test('a down parent: one page naming the devices behind it, theirs held, across a restart; restoring closes all', { timeout: 90_000 }, async () => {
  const logger = createLogger({ test: 'notify-parent-down' }, 'warn');
  const prefix = uniquePrefix('parentdown');
  const streams = await connectStreams({ config: streamConfig(prefix), clientId: 'parent-down-test', logger, writes: ['anomalies', 'links'] });
  const { received, base, close: closeReceiver } = await webhookReceiver();
  const url = `${base}/noc`;
  const routes = parseRoutes(`\n- name: noc\n  webhook: { url: "${url}", secret: s }\n`);
  const pages = (anomalyId: string, state?: string) => received.filter((r) => r.body.anomaly.anomalyId === anomalyId && (!state || r.body.anomaly.state === state));
  const send = (evs: AnomalyEvent[]) => streams.producer.send(streams.topics.anomalies, evs.map((v) => ({ key: v.deviceId, value: v, timestamp: v.ts })));
  // core ─ agg ─ acc1, agg ─ acc2; core ─ edge (not behind agg)
  const links = [link('core', 'agg'), link('agg', 'acc1'), link('agg', 'acc2'), link('core', 'edge')];
  await streams.producer.send(streams.topics.links, links.map((l) => ({ key: l.linkId, value: l })));
  const opts = {
    streams, routes, quietMs: 0, logger, silenceSweepMs: 200, webhook: { baseDelayMs: 50 }, groupId: 'pd-' + randomBytes(3).toString('hex'),
    redisUrl: testEnv.redisUrl, redisKeyPrefix: `${prefix}:`, restoreGraceMs: 500,
    parentDown: { upstream: { sites: [], devices: ['core'] }, settleMs: 1_500 },
  };
  let notifier = await startNotifier(opts);
  try {
    await eventually('the topology read', () => (notifier.parents?.view().dependent('acc2') ? true : undefined), 20_000);
    const t0 = Date.now();
    const aggDown = anomaly('agg/device_reachable', 'OPEN', t0 + 300, 'rule:device-down');
    const acc1Down = anomaly('acc1/device_reachable', 'OPEN', t0, 'rule:device-down');
    const acc2Loss = anomaly('acc2/path_loss_ratio', 'OPEN', t0 + 100, 'rule:loss-high');
    const edgeDown = anomaly('edge/device_up', 'OPEN', t0 + 100, 'rule:device-down');
    await send([acc1Down]); // a device behind is read before its parent: the settle time covers it
    await new Promise((r) => setTimeout(r, 300));
    await send([acc2Loss, aggDown, edgeDown]);
    await eventually('the root cause paged', () => (pages(aggDown.anomalyId).length ? true : undefined), 20_000);
    assert.equal(pages(aggDown.anomalyId)[0].body.suppressing, 2, 'the page names the two devices behind it');
    await eventually('a device down that is not behind agg paged, after the settle time', () => (pages(edgeDown.anomalyId).length ? true : undefined), 10_000);
    assert.equal(pages(edgeDown.anomalyId)[0].body.suppressing, undefined);
    await new Promise((r) => setTimeout(r, 2_000));
    assert.deepEqual([pages(acc1Down.anomalyId).length, pages(acc2Loss.anomalyId).length], [0, 0], 'the devices behind it: held back');
    assert.equal(notifier.parents!.view().suppressorOf('acc1'), 'agg');

    // A notifier started during the outage reads it back from the topic: acc2's next anomaly is held too.
    await notifier.stop();
    notifier = await startNotifier(opts);
    const acc2Stale = anomaly('acc2/device_up', 'OPEN', Date.now(), 'rule:device-down');
    await send([acc2Stale]);
    await eventually('the restarted notifier holds it', () => (notifier.heldBySilence() >= 1 ? true : undefined), 20_000);
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal(pages(acc2Stale.anomalyId).length, 0, 'held across the restart');

    // Restored: agg and acc1 close; acc2's loss stays open (a problem of its own) and is paged after the settle time.
    const t1 = Date.now();
    await send([closed(aggDown, t1), closed(acc1Down, t1 + 200), closed(acc2Stale, t1 + 200)]);
    await eventually('the root cause CLOSE paged', () => (pages(aggDown.anomalyId, 'CLOSE').length ? true : undefined), 20_000);
    await eventually('the anomaly still open after the parent is back is paged', () => (pages(acc2Loss.anomalyId).length ? true : undefined), 10_000);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.deepEqual([pages(acc1Down.anomalyId).length, pages(acc2Stale.anomalyId).length], [0, 0], 'closed while their parent was down: never paged');
    const counters = await register.getSingleMetricAsString('oc_notify_suppressed_total');
    assert.match(counters, /reason="parent-down"} [1-9]/);
  } finally {
    await notifier.stop();
    await dropTestState(streams, prefix);
    await closeReceiver();
  }
});

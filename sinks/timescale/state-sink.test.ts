// The state tables on the real PostgreSQL: an anomaly's OPEN / UPDATE / CLOSE merge into one row
// keeping its peak; a replayed or older event changes nothing; baselines and devices keep the
// newest record, a tombstone marks a device deleted; health scores upsert by (device, ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTestDatabase } from '../../test/pg-db.js';
import type { InRecord } from '../../streams/index.js';
import type { AnomalyEvent, Baseline, Device, HealthScore } from '../../schemas/types.js';
import { migrate } from '../../storage/migrations.js';
import { writeState } from './state-sink.js';

const topics = { devices: 'inventory.devices', baselines: 'telemetry.baselines', anomalies: 'telemetry.anomalies', health: 'telemetry.health' };
let offset = 0;
const rec = (topic: string, key: string, value: unknown): InRecord => ({ topic, partition: 0, offset: String(offset++), key, value, timestamp: 0, headers: {}, raw: { key: null, value: null } });

const anomaly = (state: AnomalyEvent['state'], ts: number, severity: AnomalyEvent['severity'], score: number): AnomalyEvent => ({
  anomalyId: 'a-1', state, seriesKey: 'r1/if_in_bps{ifName=eth0}', deviceId: 'r1', metric: 'if_in_bps', labels: { ifName: 'eth0' },
  startedAt: 1_000, ts, endedAt: state === 'CLOSE' ? ts : null, severity, score, observed: score * 10, expected: 5, lower: 1, upper: 9, detector: 'zscore', reason: `${state} at ${ts}`,
});

test('state topics upsert into their tables: lifecycle merged, newest wins, replays change nothing', { timeout: 30_000 }, async () => {
  const database = await createTestDatabase('sink_state');
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  try {
    await migrate(db);
    const open = anomaly('OPEN', 2_000, 'MINOR', 3);
    const update = anomaly('UPDATE', 3_000, 'CRITICAL', 9);
    const close = anomaly('CLOSE', 4_000, 'WARNING', 1);
    await writeState(db, topics, [rec(topics.anomalies, 'r1', open), rec(topics.anomalies, 'r1', update)]);
    await writeState(db, topics, [rec(topics.anomalies, 'r1', close)]);
    await writeState(db, topics, [open, update, close].map((e) => rec(topics.anomalies, 'r1', e))); // a replay of the log
    const a = (await db.query('SELECT * FROM anomaly_events')).rows;
    assert.equal(a.length, 1);
    assert.equal(a[0].state, 'CLOSE');
    assert.equal(a[0].events, 3, 'three events merged, the replay ignored');
    assert.equal(a[0].peak_severity, 'CRITICAL');
    assert.equal(a[0].peak_score, 9);
    assert.equal(a[0].severity, 'WARNING');
    assert.equal(new Date(a[0].started_at).getTime(), 1_000);
    assert.equal(new Date(a[0].ended_at).getTime(), 4_000);

    const base = (ts: number, expected: number): Baseline => ({ seriesKey: 'r1/x', deviceId: 'r1', metric: 'x', ts, expected, spread: 1, lower: expected - 2, upper: expected + 2, seasonal: false, sampleCount: 10 });
    await writeState(db, topics, [rec(topics.baselines, 'r1', base(2_000, 20)), rec(topics.baselines, 'r1', base(3_000, 30))]);
    await writeState(db, topics, [rec(topics.baselines, 'r1', base(1_000, 10))]); // older: ignored
    assert.equal((await db.query('SELECT expected FROM baselines')).rows[0].expected, 30);

    const dev = (updatedAt: number, site: string): Device => ({
      deviceId: 'r1', hostname: 'r1.lab', address: '10.0.0.1', site, role: 'core', platform: 'junos', vendor: 'juniper', status: 'active',
      tags: ['lab', 'core'], labels: { rack: 'a1' }, snmp: { version: 'v2c', port: 161, credential: 'community:public', profiles: ['system'] }, updatedAt,
    });
    await writeState(db, topics, [rec(topics.devices, 'r1', dev(2_000, 'paris')), rec(topics.devices, 'r2', { ...dev(2_000, 'lyon'), deviceId: 'r2' })]);
    await writeState(db, topics, [rec(topics.devices, 'r1', dev(1_000, 'old')), rec(topics.devices, 'r2', null)]);
    const devices = (await db.query('SELECT device_id, site, tags, deleted, snmp FROM devices ORDER BY 1')).rows;
    assert.deepEqual(devices.map((d) => [d.device_id, d.site, d.deleted]), [['r1', 'paris', false], ['r2', 'lyon', true]]);
    assert.deepEqual(devices[0].tags, ['lab', 'core']);
    assert.equal(devices[0].snmp.credential, 'community:public');

    const h = (ts: number, score: number): HealthScore => ({ deviceId: 'r1', ts, score, components: [{ name: 'errors', score, weight: 1, detail: null }] });
    await writeState(db, topics, [rec(topics.health, 'r1', h(1_000, 90)), rec(topics.health, 'r1', h(2_000, 80)), rec(topics.health, 'r1', h(2_000, 70))]);
    const health = (await db.query('SELECT score FROM health_scores ORDER BY ts')).rows.map((r) => r.score);
    assert.deepEqual(health, [90, 70]);
  } finally {
    await db.end();
    await database.drop();
  }
});

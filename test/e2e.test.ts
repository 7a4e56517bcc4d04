// End to end on the real stack: the lab's snmpsim device is polled over SNMP v2c, the reading
// becomes a rate on telemetry.metrics, lands in PostgreSQL, and reaches a GraphQL subscription.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { signToken } from '../api/auth/jwt.js';
import { eventually } from './env.js';
import { startTestPipeline } from './pipeline-fixture.js';

test('a reading polled from the snmpsim device appears as a rate in PostgreSQL and on a subscription', { timeout: 240_000 }, async (t) => {
  const { pipeline, client, jwtSecret: secret } = await startTestPipeline(t, 'e2e', { labDevices: 3 });

  const lab = (await (await fetch(`${pipeline.labUrl}/devices`)).json()) as { devices?: unknown[] } | unknown[];
  const devices = (Array.isArray(lab) ? lab : lab.devices ?? []) as { deviceId: string; interfaces: { name: string; inBps: number }[] }[];
  assert.ok(devices.length >= 1, 'the lab serves devices');

  // Rates need two polls of a device: wait for a non-zero if_in_bps row.
  const row = await eventually(
    'an if_in_bps rate in metric_points',
    async () => {
      const r = await client.query<{ series_key: string; value: number; series_id: string }>(
        `SELECT s.series_key, s.series_id, p.value FROM metric_points p JOIN series s USING (series_id)
         WHERE s.metric = 'if_in_bps' AND p.value > 0 ORDER BY p.ts DESC LIMIT 1`,
      );
      return r.rows[0];
    },
    120_000,
    500,
  );
  // The lab's counters move at a known rate: the stored rate must be that rate (±20 %: polls
  // and counter updates are not aligned to the same instants).
  const m = /^(.+)\/if_in_bps\{ifName=(.+)\}$/.exec(row.series_key);
  assert.ok(m, `series key ${row.series_key} has device and interface`);
  const iface = devices.find((d) => d.deviceId === m[1])?.interfaces.find((i) => i.name === m[2]);
  assert.ok(iface, `the lab knows ${row.series_key}`);
  assert.ok(Math.abs(row.value - iface.inBps) / iface.inBps < 0.2, `rate ${row.value} bps is the lab's ${iface.inBps} bps`);

  // The other protocols of the lab reach the same table: ICMP (fping of the devices), SSH CLI
  // (the lab's ssh2 devices) and the Ciena MCP simulator (the lab's SAOS device).
  for (const [metric, source] of [
    ['path_rtt_ms_avg', 'ICMP'],
    ['ssh_collect_ok', 'SSH'],
    ['ciena_collect_ok', 'Ciena MCP'],
  ] as const) {
    const got = await eventually(
      `${source} samples (${metric}) in metric_points`,
      async () => (await client.query(`SELECT p.value FROM metric_points p JOIN series s USING (series_id) WHERE s.metric = $1 LIMIT 1`, [metric])).rows[0],
      60_000,
      500,
    );
    assert.ok(Number.isFinite(got.value), `${metric} is a number`);
    if (metric !== 'path_rtt_ms_avg') assert.equal(got.value, 1, `${source} collection succeeded`);
  }

  // The same series reaches a GraphQL subscription client over graphql-ws.
  const token = signToken({ sub: 'e2e', role: 'viewer', expiresInS: 600 }, secret);
  const ws = createClient({ url: pipeline.apiUrl.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { token }, retryAttempts: 0 });
  try {
    const point = await new Promise<{ seriesId: string; value: number; ts: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no live point within 60 s')), 60_000);
      ws.subscribe<{ live: { seriesId: string; value: number; ts: number } }>(
        { query: 'subscription($ids: [ID!]!) { live(seriesIds: $ids) { seriesId seriesKey ts value } }', variables: { ids: [row.series_id] } },
        {
          next: (msg) => {
            if (msg.data?.live) {
              clearTimeout(timer);
              resolve(msg.data.live);
            } else if (msg.errors) reject(new Error(JSON.stringify(msg.errors)));
          },
          error: (e) => reject(e instanceof Error ? e : new Error(JSON.stringify(e))),
          complete: () => undefined,
        },
      );
    });
    assert.equal(point.seriesId, String(row.series_id));
    assert.ok(point.value > 0);
    assert.ok(Math.abs(point.ts - Date.now()) < 60_000, 'the point carries its event time');
  } finally {
    await ws.dispose();
  }
});

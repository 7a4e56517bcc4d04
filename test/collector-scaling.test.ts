// Collectors scale by consumer group: three collectors split the lab's devices between them with
// no device polled by two, and when one is SIGKILLed its devices are polled by the others within
// one session timeout plus one interval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../common/log.js';
import { connectStreams } from '../streams/index.js';
import { freePort, startRole, type RoleProcess } from '../infra/supervisor.js';
import { ensureKeyFile } from '../infra/lab/lab-credentials.js';
import type { RawSnmpPoll } from '../schemas/types.js';
import { eventually, streamConfig, testEnv, uniquePrefix } from './env.js';

const DEVICES = 12;
const INTERVAL_MS = 2_000;
const SESSION_TIMEOUT_MS = 6_000;

test('three collectors share the devices, and a killed one’s devices move within a session timeout plus an interval', { timeout: 240_000 }, async (t) => {
  const prefix = uniquePrefix('scale');
  const logger = createLogger({ test: 'scale' }, 'error');
  const runDir = mkdtempSync(join(tmpdir(), 'oc-scale-'));
  const logDir = join(runDir, 'logs');
  const streams = await connectStreams({ config: { ...streamConfig(prefix), partitions: 6 }, clientId: 'scale-test', logger, writes: [] });
  const roles: RoleProcess[] = [];
  // deviceId → polls seen: [collectorId, event time]
  const polls = new Map<string, { collector: string; at: number }[]>();
  const reader = streams.consumer({
    groupId: 'scale-reader',
    topics: [streams.topics.rawSnmp],
    fromBeginning: false,
    handler: async (records) => {
      for (const r of records) {
        const p = r.value as RawSnmpPoll;
        if (p.profile !== 'interfaces' || p.error) continue;
        const list = polls.get(p.deviceId) ?? [];
        list.push({ collector: p.collectorId, at: p.polledAt });
        polls.set(p.deviceId, list);
      }
    },
  });
  t.after(async () => {
    for (const r of roles.reverse()) await r.stop();
    await reader.stop();
    await streams.admin.deleteTopics(Object.values(streams.topics)).catch(() => undefined);
    await streams.close();
  });
  // the lab seals its devices' communities into this store; the collectors read them from it
  const credentials = { OC_CREDENTIALS_KEY: '', OC_CREDENTIALS_KEY_FILE: join(runDir, 'credentials.key'), OC_CREDENTIALS_FILE: join(runDir, 'credentials.enc.json') };
  ensureKeyFile(credentials.OC_CREDENTIALS_KEY_FILE);
  const base = { KAFKA_BROKERS: testEnv.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: testEnv.registryUrl, KAFKA_TOPIC_PREFIX: prefix, KAFKA_PARTITIONS: '6', ...credentials };
  const labHttp = await freePort();
  roles.push(
    await startRole({
      name: 'lab',
      role: 'lab',
      env: { ...base, LAB_DEVICES: String(DEVICES), LAB_SNMP_PORT: String(await freePort()), LAB_HTTP_PORT: String(labHttp), LAB_DATA_DIR: join(runDir, 'lab'), LAB_SSH: 'false', LAB_MCP: 'false', LAB_ICMP_PATHS: '0', LAB_RECORDED_WALKS: '' },
      logDir,
      ready: async () => (await fetch(`http://127.0.0.1:${labHttp}/healthz`).catch(() => null))?.ok === true,
    }),
  );
  const inv = await startRole({ name: 'inventory', role: 'inventory', args: ['import', join(runDir, 'lab', 'inventory.yaml')], env: base, logDir, ready: async (p) => p.child.exitCode === 0 });
  await inv.stop();
  await reader.start();

  const collectorEnv = (id: string) => ({ ...base, COLLECTOR_ID: id, POLL_INTERVAL_MS: String(INTERVAL_MS), COLLECTOR_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS), ICMP_ENABLED: 'false' });
  const collectors = new Map<string, RoleProcess>();
  for (const id of ['c1', 'c2', 'c3']) {
    const p = await startRole({ name: id, role: 'collector', env: collectorEnv(id), logDir });
    collectors.set(id, p);
    roles.push(p);
  }

  // Settled: every device polled, and in the last few intervals by one collector only.
  const owners = () => {
    const since = Date.now() - 3 * INTERVAL_MS;
    const map = new Map<string, Set<string>>();
    for (const [d, list] of polls) map.set(d, new Set(list.filter((x) => x.at >= since).map((x) => x.collector)));
    return map;
  };
  const settled = await eventually(
    'all devices polled, each by one collector, spread over the three',
    () => {
      const o = owners();
      const used = new Set([...o.values()].flatMap((s) => [...s]));
      return o.size === DEVICES && [...o.values()].every((s) => s.size === 1) && used.size === 3 ? o : undefined;
    },
    90_000,
    500,
  );
  const moved = [...settled].filter(([, s]) => s.has('c2')).map(([d]) => d);
  assert.ok(moved.length > 0, 'c2 owned some devices');

  // No device polled twice within one interval while the group is stable.
  await new Promise((r) => setTimeout(r, 3 * INTERVAL_MS));
  const stable = Date.now() - 3 * INTERVAL_MS;
  for (const [d, list] of polls) {
    const recent = list.filter((x) => x.at >= stable).map((x) => x.at).sort((a, b) => a - b);
    for (let i = 1; i < recent.length; i++) assert.ok(recent[i] - recent[i - 1] >= INTERVAL_MS * 0.5, `${d} polled twice within ${recent[i] - recent[i - 1]} ms`);
  }

  const killedAt = Date.now();
  await collectors.get('c2')!.kill();
  const limit = SESSION_TIMEOUT_MS + INTERVAL_MS;
  const gaps = await eventually(
    `c2's ${moved.length} devices polled by c1 or c3`,
    () => {
      const out: number[] = [];
      for (const d of moved) {
        const next = polls.get(d)!.find((x) => x.at > killedAt && x.collector !== 'c2');
        if (!next) return undefined;
        out.push(next.at - killedAt);
      }
      return out;
    },
    60_000,
    200,
  );
  // The broker notices the dead member after the session timeout; the survivors learn of the
  // rebalance at their next heartbeat (a tenth of the session), rejoin, re-read the inventory and
  // poll each adopted device within half an interval. Two seconds of slack cover the rebalance.
  t.diagnostic(`devices moved: ${moved.length}; largest gap after the kill: ${Math.max(...gaps)} ms (session ${SESSION_TIMEOUT_MS} ms + interval ${INTERVAL_MS} ms)`);
  assert.ok(Math.max(...gaps) <= limit + 2_000, `largest gap ${Math.max(...gaps)} ms exceeds ${limit} ms + 2 s`);
});

// The profiles moved from TypeScript to YAML files: each lab device, polled with every profile it
// answers, reads the same objects from the files as from the former TypeScript table (same names,
// OIDs, indexes and types; the same text; numbers that do not move are equal).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createLogger } from '../common/log.js';
import { startLab, type Lab } from '../infra/lab/lab.js';
import { LAB_PROFILES } from '../infra/lab/inventory-file.js';
import { OPTICS_PROFILES } from '../infra/lab/optics.js';
import { findFreeUdpPort } from '../infra/lab/ports.js';
import { projectRoot } from '../bin/supervisor.js';
import { createSnmpPoller, type SnmpPoller } from '../collectors/snmp/poller.js';
import { TS_PROFILES } from './fixtures/snmp-profiles-ts.js';
import type { RawSnmpPoll } from '../schemas/types.js';

const logger = createLogger({ test: 'snmp-profile-files' }, 'error');
let lab: Lab;
let dataDir: string;
let fromFiles: SnmpPoller;
let fromTypeScript: SnmpPoller;

before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'oc-profile-files-'));
  lab = await startLab({ root: projectRoot, dataDir, devices: 3, interfaces: 6, snmpPort: await findFreeUdpPort(), httpPort: 0, venvBin: path.join(projectRoot, '.cache/venv/bin'), recordedWalks: [], snmpAgent: 'node', logger });
  const opts = { timeoutMs: 1_500, retries: 1, maxRepetitions: 25, collectorId: 'test-collector', logger };
  fromFiles = createSnmpPoller(opts);
  fromTypeScript = createSnmpPoller({ ...opts, profiles: TS_PROFILES });
});

after(async () => {
  fromFiles?.close();
  fromTypeScript?.close();
  await lab?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

// What does not depend on when the poll ran: moving counters and gauges compare by identity only.
const still = (r: RawSnmpPoll) => ({
  profile: r.profile,
  error: r.error,
  values: r.values.map((v) => ({ name: v.name, oid: v.oid, index: v.index, kind: v.kind, text: v.text, number: v.kind === 'INTEGER' ? v.number : undefined })),
});

test('every lab device reads the same objects through the profile files as through the TypeScript profiles', { timeout: 60_000 }, async () => {
  let compared = 0;
  for (const d of lab.devices) {
    const target = { deviceId: d.deviceId, address: d.address, port: d.port, version: 'v2c' as const, community: d.community };
    for (const profile of [...LAB_PROFILES, ...OPTICS_PROFILES[d.platform]]) {
      const [a, b] = [await fromTypeScript.poll(target, profile), await fromFiles.poll(target, profile)];
      assert.equal(a.error, null, `${d.deviceId} ${profile}`);
      assert.ok(a.values.length > 0, `${d.deviceId} ${profile} read values`);
      // Integers that move (optics levels drift) are compared only where the profile is not optics.
      const stillA = still(a);
      const stillB = still(b);
      if (profile.startsWith('optics')) for (const s of [stillA, stillB]) for (const v of s.values) if (/Value$|Power$/.test(v.name)) v.number = undefined;
      assert.deepEqual(stillB, stillA, `${d.deviceId} ${profile}`);
      compared++;
    }
  }
  assert.ok(compared >= 9, `${compared} device profiles compared`);
});

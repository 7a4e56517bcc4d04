// The profiles moved from TypeScript to YAML files: each lab device, polled with every profile it
// answers, reads the same objects from the files as from the former TypeScript table (same names,
// OIDs, indexes and types; the same text; numbers that do not move are equal).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../common/log.js';
import { LAB_PROFILES } from '../infra/lab/inventory-file.js';
import { OPTICS_PROFILES } from '../infra/lab/optics.js';
import { createSnmpPoller } from '../collectors/snmp/poller.js';
import { TS_PROFILES } from './fixtures/snmp-profiles-ts.js';
import type { RawSnmpPoll } from '../schemas/types.js';
import { startSnmpLab } from './snmp-lab.js';

// What does not depend on when the poll ran: moving counters and gauges compare by identity only.
const still = (r: RawSnmpPoll) => ({
  profile: r.profile,
  error: r.error,
  values: r.values.map((v) => ({ name: v.name, oid: v.oid, index: v.index, kind: v.kind, text: v.text, number: v.kind === 'INTEGER' ? v.number : undefined })),
});

test('every lab device reads the same objects through the profile files as through the TypeScript profiles', { timeout: 60_000 }, async (t) => {
  const { lab, poller: fromFiles, targetOf } = await startSnmpLab(t, { devices: 3, interfaces: 6 });
  const fromTypeScript = createSnmpPoller({ timeoutMs: 1_500, retries: 1, maxRepetitions: 25, collectorId: 'test-collector', logger: createLogger({ test: 'snmp-profile-files' }, 'error'), profiles: TS_PROFILES });
  t.after(() => fromTypeScript.close());
  let compared = 0;
  for (const d of lab.devices) {
    const target = targetOf(d);
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

// The in-process agent against snmpsim, from the same generated devices and recorded walk: a full
// walk of every agent returns the same OIDs and types from both engines and the same fixed
// values; moving values move at the plan's rate; SNMPv3 selects the device by context; a wrong
// community is dropped; the reboot scenario restarts the counters.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import snmp from 'net-snmp';
import { createLogger } from '../../common/log.js';
import { planDevice } from './device-plan.js';
import { startLab, type Lab } from './lab.js';
import { findFreeUdpPort } from './ports.js';
import { deviceRecords } from './snmprec.js';
import { labV3User } from './v3-users.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const venvBin = path.join(root, '.cache/venv/bin');
const logger = createLogger({ test: 'node-agent' }, 'warn');
const labs: Record<'node' | 'snmpsim', Lab> = {} as never;
const dirs: string[] = [];

before(async () => {
  for (const engine of ['node', 'snmpsim'] as const) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), `oc-agent-${engine}-`));
    dirs.push(dataDir);
    labs[engine] = await startLab({ root, dataDir, devices: 3, interfaces: 4, seed: 5, snmpAgent: engine, snmpPort: await findFreeUdpPort(), httpPort: 0, venvBin, recordedWalks: ['linux-full-walk'], logger });
  }
});

after(async () => {
  for (const lab of Object.values(labs)) await lab?.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function session(lab: Lab, community: string): snmp.Session {
  const s = snmp.createSession('127.0.0.1', community, { port: lab.devices[0].port, version: snmp.Version2c, timeout: 2_000, retries: 0 });
  s.on('error', () => {});
  return s;
}

// Every varbind of the agent, by GETBULK from the root, until endOfMibView.
async function walkAll(lab: Lab, community: string): Promise<snmp.Varbind[]> {
  const s = session(lab, community);
  const all: snmp.Varbind[] = [];
  let cursor = '1.0'; // from the LLDP-MIB (1.0.8802) on: both engines serve the lab's LLDP tables too
  try {
    for (;;) {
      const [rows] = (await new Promise<Array<snmp.Varbind | snmp.Varbind[]>>((resolve, reject) => s.getBulk([cursor], 0, 40, (err, vbs) => (err ? reject(err) : resolve(vbs!))))) as snmp.Varbind[][];
      for (const vb of rows) {
        if (vb.type === snmp.ObjectType.EndOfMibView) return all;
        all.push(vb);
        cursor = vb.oid;
      }
    }
  } finally {
    s.close();
  }
}

function get(lab: Lab, community: string, oids: string[]): Promise<snmp.Varbind[]> {
  const s = session(lab, community);
  return new Promise<snmp.Varbind[]>((resolve, reject) => s.get(oids, (err, vbs) => (s.close(), err ? reject(err) : resolve(vbs!))));
}

const shown = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : String(v));

test('both engines serve the same objects, types and fixed values for every device and the recorded walk', { timeout: 60_000 }, async () => {
  for (const community of [...labs.node.devices.map((d) => d.community), 'recorded/linux-full-walk']) {
    const [ours, theirs] = [await walkAll(labs.node, community), await walkAll(labs.snmpsim, community)];
    assert.ok(ours.length > 20, `${community}: ${ours.length} objects`);
    assert.deepEqual(ours.map((v) => `${v.oid} ${v.type}`), theirs.map((v) => `${v.oid} ${v.type}`), community);
    const moving = new Set(community.startsWith('lab-') ? deviceRecords(planDevice(Number(community.slice(5)) - 1, { seed: 5, interfaces: 4, deviceCount: 3 })).filter((r) => r.tag.includes(':')).map((r) => r.oid) : []);
    for (let i = 0; i < ours.length; i++) if (!moving.has(ours[i].oid)) assert.equal(shown(ours[i].value), shown(theirs[i].value), `${community} ${ours[i].oid}`);
  }
});

test('counters move at the plan rate, GETNEXT and noSuch* answer as an agent does, a wrong community is dropped', { timeout: 30_000 }, async () => {
  const device = labs.node.devices[0];
  const up = device.interfaces.find((i) => i.operStatus === 'up')!;
  const oids = ['1.3.6.1.2.1.1.3.0', `1.3.6.1.2.1.31.1.1.1.6.${up.index}`];
  const read = async () => ({ at: performance.now(), vbs: await get(labs.node, device.community, oids) });
  const a = await read();
  await new Promise((r) => setTimeout(r, 1_500));
  const b = await read();
  const seconds = (b.at - a.at) / 1000;
  const uptimeRate = ((b.vbs[0].value as number) - (a.vbs[0].value as number)) / seconds;
  assert.ok(Math.abs(uptimeRate - 100) < 15, `sysUpTime moves ${uptimeRate} cs/s`);
  const octets = (vb: snmp.Varbind) => Number(BigInt('0x' + (vb.value as Buffer).toString('hex')));
  const rate = (octets(b.vbs[1]) - octets(a.vbs[1])) / seconds;
  assert.ok(Math.abs(rate - up.inBps / 8) / (up.inBps / 8) < 0.15, `ifHCInOctets moves ${rate} octets/s, plan ${up.inBps / 8}`);

  const [missingInstance, missingObject] = await get(labs.node, device.community, ['1.3.6.1.2.1.1.5.1', '1.3.6.1.2.1.99999.0']);
  assert.equal(missingInstance.type, snmp.ObjectType.NoSuchInstance);
  assert.equal(missingObject.type, snmp.ObjectType.NoSuchObject);
  await assert.rejects(get(labs.node, 'no-such-device', oids), (err: Error) => err instanceof snmp.RequestTimedOutError);
});

test('SNMPv3 authPriv reads the device its context names; the reboot scenario restarts counters', { timeout: 30_000 }, async () => {
  const { credential: c } = labV3User('lab-sha256-aes');
  for (const device of labs.node.devices.slice(0, 2)) {
    const s = snmp.createV3Session('127.0.0.1', { name: c.user, level: snmp.SecurityLevel.authPriv, authProtocol: snmp.AuthProtocols[c.authProtocol], authKey: c.authKey, privProtocol: snmp.PrivProtocols[c.privProtocol], privKey: c.privKey }, { port: device.port, version: snmp.Version3, context: device.v3Context, timeout: 2_000, retries: 0 });
    s.on('error', () => {});
    const [name] = await new Promise<snmp.Varbind[]>((resolve, reject) => s.get(['1.3.6.1.2.1.1.5.0'], (err, vbs) => (s.close(), err ? reject(err) : resolve(vbs!))));
    assert.equal(String(name.value), device.hostname);
  }
  const device = labs.node.devices[0];
  const uptime = async () => (await get(labs.node, device.community, ['1.3.6.1.2.1.1.3.0']))[0].value as number;
  await new Promise((r) => setTimeout(r, 500));
  const before = await uptime();
  const res = await fetch(`${labs.node.url}/scenarios/snmp`, { method: 'POST', body: JSON.stringify({ reboot: true }), headers: { 'content-type': 'application/json' } });
  assert.equal(res.status, 200);
  const afterReboot = await uptime();
  assert.ok(afterReboot < before, `sysUpTime ${before} → ${afterReboot} after the reboot`);
});

// The lab against the real snmpsim: it starts, describes itself over HTTP, answers SNMP for every
// device, writes its inventory, and leaves no simulator process behind (close, SIGTERM, SIGKILL).

import { OPTICS_PROFILES } from './optics.js';
import { LAB_HEALTH_PROFILES } from './inventory-file.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import snmp from 'net-snmp';
import { parse } from 'yaml';
import { createLogger } from '../../common/log.js';
import { CredentialStore } from '../../credentials/credential-store.js';
import { parseInventory } from '../../collectors/inventory/yaml-inventory.js';
import { startLab, type LabDevice } from './lab.js';
import { ensureKeyFile } from './lab-credentials.js';
import { findFreeUdpPort } from './ports.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const venvBin = path.join(root, '.cache/venv/bin');
const logger = createLogger({ test: 'lab' }, 'warn');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // a zombie waiting for a reaper counts as gone
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

function snmpGet(device: LabDevice, oids: string[]): Promise<snmp.Varbind[]> {
  return new Promise((resolve, reject) => {
    const session = snmp.createSession(device.address, device.community, { port: device.port, version: snmp.Version2c, timeout: 1_000, retries: 1 });
    session.on('error', () => {});
    session.get(oids, (err, varbinds) => {
      session.close();
      if (err) reject(err);
      else resolve(varbinds ?? []);
    });
  });
}

test('the lab serves its devices over SNMP and HTTP, writes its inventory, and close() leaves no process', { timeout: 60_000 }, async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'oc-lab-'));
  const lab = await startLab({ root, dataDir, devices: 3, interfaces: 4, snmpPort: await findFreeUdpPort(), httpPort: 0, venvBin, logger });
  try {
    assert.equal(lab.devices.length, 3);
    assert.deepEqual(new Set(lab.devices.map((d) => d.platform)), new Set(['cisco-iosxr', 'juniper-junos', 'ciena-saos']));

    const listed = await (await fetch(`${lab.url}/devices`)).json();
    assert.deepEqual(listed, JSON.parse(JSON.stringify(lab.devices)));
    const health = await fetch(`${lab.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal((await fetch(`${lab.url}/nope`)).status, 404);
    await assert.rejects(
      startLab({ root, dataDir: path.join(dataDir, 'second'), devices: 1, snmpPort: lab.devices[0].port, httpPort: 0, venvBin, logger }),
      { code: 'LAB_SNMP_PORT_IN_USE' },
    );

    for (const device of lab.devices) {
      const [descr, uptime, name, ifName] = await snmpGet(device, ['1.3.6.1.2.1.1.1.0', '1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.1.5.0', `1.3.6.1.2.1.31.1.1.1.1.${device.interfaces[0].index}`]);
      assert.equal(uptime.type, snmp.ObjectType.TimeTicks);
      assert.equal(String(name.value), device.hostname);
      assert.equal(String(ifName.value), device.interfaces[0].name);
      assert.ok(String(descr.value).length > 10);
    }

    const inventory = parse(await readFile(path.join(dataDir, 'inventory.yaml'), 'utf8')) as { devices: Array<Record<string, any>> };
    assert.equal(inventory.devices.length, 3);
    const first = inventory.devices[0];
    assert.equal(first.deviceId, lab.devices[0].deviceId);
    assert.deepEqual(first.snmp, { version: 'v2c', port: lab.devices[0].port, credential: `lab/${lab.devices[0].deviceId}/snmp`, profiles: ['system', 'interfaces', ...OPTICS_PROFILES[lab.devices[0].platform], ...LAB_HEALTH_PROFILES] });
    assert.deepEqual(inventory.devices.slice(1).map((d) => d.snmp.profiles.filter((p: string) => LAB_HEALTH_PROFILES.includes(p))), [[], []], 'the health profiles on one device only');
    // the inventory names credentials the lab sealed into its store, and imports without a problem
    const store = CredentialStore.open(lab.credentials.file, ensureKeyFile(lab.credentials.keyFile!));
    assert.deepEqual(store.get(first.snmp.credential), { kind: 'snmp-community', community: lab.devices[0].community });
    assert.deepEqual(parseInventory(await readFile(path.join(dataDir, 'inventory.yaml'), 'utf8')).problems, []);
    assert.equal(first.status, 'active');
    assert.equal(typeof first.updatedAt, 'number');
  } finally {
    await lab.close();
  }
  assert.equal(alive(lab.snmpsimPid!), false, 'snmpsim stopped');
  await assert.rejects(fetch(`${lab.url}/healthz`));
  await rm(dataDir, { recursive: true, force: true });
});

test('a bad lab option is refused before anything starts', { timeout: 5_000 }, async () => {
  await assert.rejects(startLab({ root, dataDir: '/nonexistent', devices: 0, snmpPort: 1, httpPort: 0, venvBin, logger }), { code: 'LAB_CONFIG' });
  await assert.rejects(startLab({ root, dataDir: '/nonexistent', devices: 1, snmpPort: 0, httpPort: 0, venvBin, logger }), /snmpPort/);
});

test('a missing snmpsim is reported as such', { timeout: 10_000 }, async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'oc-lab-'));
  await assert.rejects(startLab({ root, dataDir, devices: 1, snmpPort: await findFreeUdpPort(), httpPort: 0, venvBin: '/nonexistent/bin', logger }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'LAB_SNMPSIM_MISSING');
    assert.match(err.message, /snmpsim/);
    return true;
  });
  await rm(dataDir, { recursive: true, force: true });
});

// The lab role as a process: SIGTERM stops it cleanly; SIGKILL (a crashed test runner) still takes
// snmpsim down, through the parent-death signal.
async function startLabRole(dataDir: string): Promise<{ child: ReturnType<typeof spawn>; snmpsimPid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "import('./infra/lab/lab-command.ts').then((m) => m.runLabCommand(process.env))"], {
    cwd: root,
    env: { ...process.env, LAB_DEVICES: '2', LAB_INTERFACES: '2', LAB_SNMP_PORT: String(await findFreeUdpPort()), LAB_HTTP_PORT: '0', LAB_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const ready = await waitUntil(() => stderr.includes('"lab ready"') || child.exitCode !== null, 45_000);
  assert.ok(ready && child.exitCode === null, `lab role did not become ready:\n${stderr}`);
  const started = stderr.split('\n').find((l) => l.includes('"snmpsim answering"'))!;
  return { child, snmpsimPid: JSON.parse(started).pid };
}

test('the lab role stops snmpsim on SIGTERM, and snmpsim dies with a SIGKILLed parent', { timeout: 120_000 }, async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'oc-lab-role-'));
  try {
    const graceful = await startLabRole(dataDir);
    assert.ok(alive(graceful.snmpsimPid));
    const exited = new Promise<number | null>((r) => graceful.child.once('exit', (code) => r(code)));
    graceful.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(await waitUntil(() => !alive(graceful.snmpsimPid), 5_000), 'snmpsim gone after SIGTERM');
    assert.ok(existsSync(path.join(dataDir, 'inventory.yaml')));

    const crashed = await startLabRole(dataDir);
    crashed.child.kill('SIGKILL');
    assert.ok(await waitUntil(() => !alive(crashed.snmpsimPid), 5_000), 'snmpsim gone after its parent was killed');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

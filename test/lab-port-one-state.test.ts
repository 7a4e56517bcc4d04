// One physical port, one state, one series: the lab's SSH CLIs serve the SNMP agent's interfaces
// (IOS-XR controllers at their locations, SAOS numbers as ifIndex, Junos names) at the levels the
// agent serves; the processor names the CLI's ports by the interfaces the SNMP polls reported, so
// both readings of a port land on one series with values that agree (MCP's too, on the Ciena
// device); and an SSH scenario's drop and link-down show over SNMP and MCP too, on both SNMP engines. Collectors, lab and processor chain
// together, against the real agents and SSH servers.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../common/log.js';
import { projectRoot } from '../infra/supervisor.js';
import { createSnmpPoller } from '../collectors/snmp/poller.js';
import { createSshPoller } from '../collectors/ssh/poller.js';
import { createCienaPoller } from '../collectors/ciena/poller.js';
import { startLab } from '../infra/lab/lab.js';
import { labSshCredentialName, openLabCredentialStore } from '../infra/lab/lab-credentials.js';
import { OPTICS_PROFILES } from '../infra/lab/optics.js';
import { findFreeUdpPort } from '../infra/lab/ports.js';
import { processRaw, type DeviceChainState } from '../processors/chain.js';
import type { MetricSample } from '../schemas/types.js';

const logger = createLogger({ test: 'lab-port-one-state' }, 'error');
const rxOf = (samples: MetricSample[]) => new Map(samples.filter((s) => s.metric === 'optical_rx_dbm' && !s.labels.lane).map((s) => [s.seriesKey, s.value]));

for (const snmpAgent of ['node', 'snmpsim'] as const) {
  test(`${snmpAgent} agent: SSH and SNMP readings of a lab port are one series that agrees; an SSH scenario's drop and link-down show over SNMP and MCP too`, { timeout: 120_000 }, async (t) => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'oc-port-state-'));
    t.after(() => rm(dataDir, { recursive: true, force: true }));
    const lab = await startLab({ root: projectRoot, dataDir, devices: 3, interfaces: 4, snmpPort: await findFreeUdpPort(), httpPort: 0, venvBin: path.join(projectRoot, '.cache/venv/bin'), recordedWalks: [], snmpAgent, protocols: { ssh: true, mcp: true, icmpPaths: 0 }, logger });
    t.after(() => lab.close());
    const snmp = createSnmpPoller({ timeoutMs: 1_500, retries: 1, maxRepetitions: 25, collectorId: 'test', logger });
    const ssh = createSshPoller({ collectorId: 'test', logger, knownHostsFile: path.join(dataDir, 'known_hosts'), connectTimeoutMs: 3_000, commandTimeoutMs: 3_000 });
    const mcp = createCienaPoller({ mcp: { baseUrl: lab.mcp!.url, username: lab.mcp!.username, password: lab.mcp!.password, timeoutMs: 2_000 }, collectorId: 'test', logger });
    t.after(() => (snmp.close(), ssh.close(), mcp.close()));
    const credentials = openLabCredentialStore({}, dataDir).store;
    const described = (await (await fetch(`${lab.url}/protocols`)).json()) as { ssh: { deviceId: string; platform: string; port: number; ports: string[]; interfaces: (string | null)[] }[] };

    for (const device of lab.devices) {
      const cli = described.ssh.find((d) => d.deviceId === device.deviceId)!;
      assert.deepEqual(cli.interfaces, device.interfaces.map((i) => i.name), `${device.deviceId}: the CLI's ports are the agent's interfaces`);
      const cred = credentials.get(labSshCredentialName(device.deviceId)) as { username: string; password: string };
      const sshTarget = { deviceId: device.deviceId, address: '127.0.0.1', port: cli.port, platform: cli.platform, username: cred.username, password: cred.password, ports: cli.ports };
      const snmpTarget = { deviceId: device.deviceId, address: device.address, port: device.port, version: 'v2c' as const, community: device.community };
      let state: DeviceChainState | undefined;
      const run = (kind: 'snmp' | 'ssh' | 'ciena', record: unknown) => {
        const out = processRaw(state, kind, record);
        state = out.state;
        return out;
      };
      const operUp = async (ifName: string) => run('snmp', await snmp.poll(snmpTarget, 'interfaces')).metrics.samples.find((s) => s.metric === 'if_oper_up' && s.labels.ifName === ifName)?.value;
      const viaSnmp = async () => {
        const all = new Map<string, number>();
        for (const profile of OPTICS_PROFILES[device.platform]) for (const [k, v] of rxOf(run('snmp', await snmp.poll(snmpTarget, profile)).metrics.samples)) all.set(`${k} ${profile}`, v);
        return all;
      };
      const viaSsh = async () => {
        const out = new Map<string, number>();
        for (const capture of await ssh.poll(sshTarget)) {
          const r = run('ssh', capture);
          assert.deepEqual(r.unnamedPorts, [], `${device.deviceId}: every CLI port named once the interfaces were polled`);
          for (const [k, v] of rxOf(r.metrics.samples)) out.set(k, v);
        }
        return out;
      };
      const viaMcp = async () => {
        if (device.vendor !== 'ciena') return new Map<string, number>();
        const r = run('ciena', await mcp.poll({ deviceId: device.deviceId, name: device.hostname }, 'PM'));
        assert.deepEqual(r.unnamedPorts, [], `${device.deviceId}: every MCP facility named`);
        return rxOf(r.metrics.samples);
      };
      /** MCP's PM drifts on its own small wave: it agrees with the CLI within that. */
      const mcpAgrees = async (key: string, level: number, what: string) => {
        const byMcp = await viaMcp();
        if (device.vendor === 'ciena') assert.ok(Math.abs(byMcp.get(key)! - level) <= 0.5, `${device.deviceId}: ${key} over MCP ${byMcp.get(key)} dBm, SSH ${level} dBm (${what})`);
      };
      const snmpOf = (readings: Map<string, number>, key: string) => [...readings].filter(([k]) => k.startsWith(`${key} `)).map(([, v]) => v);

      await operUp(device.interfaces[0].name); // the names the processor learns the CLI's ports from
      const bySsh = await viaSsh();
      const bySnmp = await viaSnmp();
      assert.equal(bySsh.size, cli.ports.length, `${device.deviceId}: an Rx series per CLI port`);
      for (const [key, value] of bySsh) {
        const agent = snmpOf(bySnmp, key);
        assert.ok(agent.length > 0, `${device.deviceId}: ${key} read over SSH is no SNMP series (${[...bySnmp.keys()].join(', ')})`);
        for (const v of agent) assert.ok(Math.abs(v - value) <= 0.2, `${device.deviceId}: ${key} SSH ${value} dBm, SNMP ${v} dBm: one port, one level`);
        await mcpAgrees(key, value, 'healthy');
      }

      // The drop on the first port (never dark in the plan), through the lab's API as the tests do.
      const victim = device.interfaces[0];
      const key = [...bySsh.keys()].find((k) => k.includes(`ifName=${victim.name}}`))!;
      const scenario = async (body: object) => assert.equal((await fetch(`${lab.url}/scenarios/ssh`, { method: 'POST', body: JSON.stringify({ deviceId: device.deviceId, port: cli.ports[0], ...body }) })).status, 200);
      const before = bySsh.get(key)!;
      await scenario({ degradeDb: 14 });
      const [sshLow, snmpLow] = [(await viaSsh()).get(key)!, snmpOf(await viaSnmp(), key)];
      assert.ok(sshLow < before - 13, `${device.deviceId}: SSH shows the drop (${before} → ${sshLow} dBm)`);
      for (const v of snmpLow) assert.ok(Math.abs(v - sshLow) <= 0.5, `${device.deviceId}: SNMP shows the drop too (${v} dBm, SSH ${sshLow} dBm)`);
      await mcpAgrees(key, sshLow, 'the drop');
      const other = [...bySsh.keys()].find((k) => k !== key && (bySsh.get(k) ?? -40) > -40);
      if (other) for (const v of snmpOf(await viaSnmp(), other)) assert.ok(v > -14, `${device.deviceId}: ${other} untouched (${v} dBm)`);

      await scenario({ linkDown: true });
      assert.deepEqual(snmpOf(await viaSnmp(), key).map((v) => v <= -40), OPTICS_PROFILES[device.platform].map(() => true), `${device.deviceId}: no light over SNMP`);
      assert.equal(await operUp(victim.name), 0, `${device.deviceId}: ${victim.name} down over SNMP`);
      await mcpAgrees(key, -40, 'link down');

      await scenario({ linkDown: false, degradeDb: 0 });
      assert.equal(await operUp(victim.name), 1);
      const [sshBack, snmpBack] = [(await viaSsh()).get(key)!, snmpOf(await viaSnmp(), key)];
      assert.ok(Math.abs(sshBack - before) <= 0.7, `${device.deviceId}: SSH back (${sshBack} dBm, was ${before})`);
      for (const v of snmpBack) assert.ok(Math.abs(v - sshBack) <= 0.2, `${device.deviceId}: SNMP back with SSH (${v} dBm, SSH ${sshBack} dBm)`);
      await mcpAgrees(key, sshBack, 'restored');
    }
  });
}

// The device health profiles (host-resources, bgp4, env-cisco: files, no code) against the lab's
// agents, both engines: CPU load, BGP session state and fan state arrive as series, and the lab's
// faults (a pegged CPU, a BGP peer down, a failed fan) show in them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planDevice } from '../infra/lab/device-plan.js';
import { bgpPeers, LAB_FAULTS, labMemoryUsedPct } from '../infra/lab/health-mibs.js';
import { normalizeSnmp } from '../processors/normalize/snmp.js';
import { startSnmpLab } from './snmp-lab.js';

for (const engine of ['node', 'snmpsim'] as const) {
  test(`${engine} agent: CPU load, BGP peer state and fan state as series, with the lab's faults`, { timeout: 60_000 }, async (t) => {
    const { lab, poller, targetOf } = await startSnmpLab(t, { devices: 3, interfaces: 2, engine });
    const faults = { cpu: 0, bgp: 0, fan: 0 };
    for (const [position, d] of lab.devices.entries()) {
      const plan = planDevice(position, { interfaces: 2, deviceCount: 3 });
      const target = targetOf(d);
      const samples = async (profile: string) => {
        const poll = await poller.poll(target, profile);
        assert.equal(poll.error, null, `${d.deviceId} ${profile}`);
        return normalizeSnmp(undefined, poll).batch.samples;
      };
      const host = await samples('host-resources');
      const memory = host.filter((s) => s.metric === 'memory_used_pct');
      assert.deepEqual(memory.map((s) => [s.labels.storage, s.unit]), [['Physical memory', '%']], 'the RAM row only, not flash');
      assert.ok(Math.abs(memory[0].value - labMemoryUsedPct(plan)) < 0.01, `${d.deviceId} memory ${memory[0].value} %`);
      const cpu = host.filter((s) => s.metric === 'cpu_load_pct');
      assert.deepEqual(cpu.map((s) => [s.labels.hrDeviceIndex, s.unit]), [['768', '%'], ['769', '%']]);
      const pegged = LAB_FAULTS.cpuPegged(plan);
      for (const s of cpu) assert.ok(pegged ? s.value >= 97 : s.value >= 15 && s.value <= 45, `${d.deviceId} cpu ${s.value} %`);
      if (pegged) faults.cpu++;

      const bgp = new Map((await samples('bgp4')).filter((s) => s.metric === 'bgp_peer_state').map((s) => [s.labels.peer, s.value]));
      assert.deepEqual(bgp, new Map(bgpPeers(plan).map((p) => [p.address, p.state])));
      if ([...bgp.values()].some((state) => state !== 6)) faults.bgp++;

      if (d.platform !== 'cisco-iosxr') continue;
      const env = await samples('env-cisco');
      const fans = env.filter((s) => s.metric === 'env_fan_state').map((s) => s.value);
      assert.deepEqual(fans, [1, 1, 1, LAB_FAULTS.fanFailed(plan) ? 3 : 1]);
      assert.equal(env.filter((s) => s.metric === 'env_power_supply_state').length, 2);
      assert.deepEqual(env.filter((s) => s.metric === 'env_temperature_c').map((s) => [s.labels.sensor, s.value, s.unit]), [['1', 28, 'celsius'], ['2', 37, 'celsius'], ['3', 46, 'celsius']]);
      if (LAB_FAULTS.fanFailed(plan)) faults.fan++;
    }
    assert.deepEqual(faults, { cpu: 1, bgp: 1, fan: 1 }, 'a 3-device lab has each fault once');
  });
}

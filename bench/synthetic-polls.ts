// A realistic SNMP interface poll without an agent: what the collector publishes for a device with
// `interfaces` interfaces (names, speed, status, 64-bit octet counters moving at a steady rate), so
// benches can offer the processor loads no simulated lab serves on this machine.
import type { RawSnmpPoll } from '../schemas/types.js';

export function syntheticPoll(deviceId: string, n: number, polledAt: number, interfaces = 8): RawSnmpPoll {
  const values: RawSnmpPoll['values'] = [];
  for (let i = 1; i <= interfaces; i++) {
    const idx = String(i);
    values.push({ name: 'ifName', oid: `1.3.6.1.2.1.31.1.1.1.1.${i}`, index: idx, kind: 'OCTET_STRING', counter: null, number: null, text: `eth${i}` });
    values.push({ name: 'ifHighSpeed', oid: `1.3.6.1.2.1.31.1.1.1.15.${i}`, index: idx, kind: 'GAUGE32', counter: null, number: 10_000, text: null });
    values.push({ name: 'ifOperStatus', oid: `1.3.6.1.2.1.2.2.1.8.${i}`, index: idx, kind: 'INTEGER', counter: null, number: 1, text: null });
    values.push({ name: 'ifHCInOctets', oid: `1.3.6.1.2.1.31.1.1.1.6.${i}`, index: idx, kind: 'COUNTER64', counter: BigInt(n) * 1_250_000n * BigInt(i), number: null, text: null });
    values.push({ name: 'ifHCOutOctets', oid: `1.3.6.1.2.1.31.1.1.1.10.${i}`, index: idx, kind: 'COUNTER64', counter: BigInt(n) * 625_000n * BigInt(i), number: null, text: null });
  }
  return { deviceId, collectorId: 'bench', profile: 'interfaces', polledAt, durationMs: 20, sysUpTime: 100 + n * 1_000, responseUpTimes: [], values, error: null };
}

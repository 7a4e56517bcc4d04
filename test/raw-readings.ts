// Synthetic raw SNMP polls for stream tests: a device's in-octets grow at (device + 1) Mbit/s,
// one poll every 10 s of event time; `failing` makes a poll a timeout (availability 0).
import type { RawSnmpPoll } from '../schemas/types.js';
import { DAY_MS } from '../common/time-units.js';

export const POLL_EVERY_MS = 10_000;
// Recent event times: the raw topics keep 7 days by record timestamp, and the broker deletes a
// rolled segment of older records at once — a test log dated years ago would vanish under it.
const T0 = Math.floor((Date.now() - DAY_MS) / 1000) * 1000;

export function snmpReading(device: number, n: number, failing = false): RawSnmpPoll {
  const at = T0 + n * POLL_EVERY_MS;
  const base = { deviceId: `dev-${device}`, collectorId: 'test', profile: 'interfaces', polledAt: at, durationMs: 5 };
  if (failing) return { ...base, sysUpTime: null, responseUpTimes: [], values: [], error: { code: 'SNMP_TIMEOUT', message: 'no answer (test)' } };
  const octets = BigInt(n) * 1_250_000n * BigInt(device + 1);
  return {
    ...base,
    sysUpTime: 1_000 + n * 1_000,
    responseUpTimes: [],
    values: [
      { name: 'ifName', oid: '1.3.6.1.2.1.31.1.1.1.1.1', index: '1', kind: 'OCTET_STRING', counter: null, number: null, text: 'eth0' },
      { name: 'ifHCInOctets', oid: '1.3.6.1.2.1.31.1.1.1.6.1', index: '1', kind: 'COUNTER64', counter: octets, number: null, text: null },
    ],
    error: null,
  };
}

// snmprec records as the in-process agent serves them: each record becomes an object with its OID
// split into numbers (for ordered lookup) and either a fixed SNMP value or a function of the
// seconds since the agents (re)booted. The `numeric` variation is computed exactly as snmpsim
// 1.2.2's variation/numeric.py does (initial + scale × f(rate × t), clamped to [min, max], wrap
// taking the value modulo max), so both engines serve the same numbers from the same data.

import snmp from 'net-snmp';
import { compareOids, type SnmprecRecord } from './snmprec.js';
import { OpsError } from '../../common/errors.js';

export interface ServedObject {
  oid: string;
  parts: number[];
  type: number; // snmp.ObjectType
  value: unknown; // fixed value, when `at` is absent
  at?: (seconds: number) => unknown;
}

function badRecord(record: SnmprecRecord, why: string): Error {
  return new OpsError('LAB_SNMPREC_VALUE', `snmprec record ${record.oid}|${record.tag}: ${why}`);
}

// snmprec's type tags (the BER tag numbers); an `x` suffix means the value is hex.
const TYPES: Record<string, number> = {
  '2': snmp.ObjectType.Integer,
  '4': snmp.ObjectType.OctetString,
  '6': snmp.ObjectType.OID,
  '64': snmp.ObjectType.IpAddress,
  '65': snmp.ObjectType.Counter,
  '66': snmp.ObjectType.Gauge,
  '67': snmp.ObjectType.TimeTicks,
  '68': snmp.ObjectType.Opaque,
  '70': snmp.ObjectType.Counter64,
};
const UINT32_MAX = 0xffffffff;
const UINT64_MAX = 0xffffffffffffffffn;

/** A Counter64 as net-snmp writes it: the BER content octets (big-endian, minimal, unsigned). */
export function counter64Bytes(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  if (parseInt(hex[0], 16) >= 8) hex = '00' + hex; // the top bit set would read as negative
  return Buffer.from(hex, 'hex');
}

function integerValue(type: number, n: number): unknown {
  const whole = Math.trunc(n); // pysnmp's int() of snmpsim's float
  return type === snmp.ObjectType.Counter64 ? counter64Bytes(BigInt(whole)) : whole;
}

function fixedValue(record: SnmprecRecord, type: number, hex: boolean): unknown {
  const raw = hex ? Buffer.from(record.value, 'hex') : null;
  switch (type) {
    case snmp.ObjectType.OctetString:
    case snmp.ObjectType.Opaque:
      return raw ?? Buffer.from(record.value, 'utf8');
    case snmp.ObjectType.OID:
      return record.value;
    case snmp.ObjectType.IpAddress: {
      // recorded walks hold an address either as hex or as its four raw octets in text
      const bytes = raw ?? Buffer.from(record.value, 'latin1');
      if (bytes.length !== 4) throw badRecord(record, `an IpAddress needs 4 octets, got ${bytes.length}`);
      return [...bytes].join('.');
    }
    case snmp.ObjectType.Counter64: {
      const n = raw ? BigInt('0x' + (record.value || '0')) : BigInt(record.value);
      if (n < 0n || n > UINT64_MAX) throw badRecord(record, 'Counter64 out of range');
      return counter64Bytes(n);
    }
    default: {
      const n = raw ? raw.readUIntBE(0, raw.length) : Number(record.value);
      if (!Number.isFinite(n)) throw badRecord(record, `"${record.value}" is not a number`);
      return n;
    }
  }
}

// snmpsim's numeric variation: settings `k=v,k=v`; function=sin|cos|… from Math.
function numericVariation(record: SnmprecRecord, type: number): (seconds: number) => unknown {
  const settings = new Map(record.value.split(',').map((kv) => kv.split('=') as [string, string]));
  const num = (key: string, fallback: number) => (settings.has(key) ? Number(settings.get(key)) : fallback);
  const min = num('min', 0);
  const max = num('max', type === snmp.ObjectType.Counter64 ? Number(UINT64_MAX) : UINT32_MAX);
  const rate = num('rate', 1);
  const initial = num('initial', min);
  const scale = settings.has('scale') ? Number(settings.get('scale')) : null;
  const offset = settings.has('offset') ? Number(settings.get('offset')) : null;
  const wrap = settings.has('wrap');
  const fnName = settings.get('function');
  const fn = fnName === undefined ? (x: number) => x : (Math as unknown as Record<string, (x: number) => number>)[fnName];
  if (typeof fn !== 'function') throw badRecord(record, `numeric function "${fnName}" is not one of Math's`);
  for (const key of ['cumulative', 'atime', 'deviation']) if (settings.has(key)) throw badRecord(record, `numeric option "${key}" is not served by the in-process agent`);
  return (seconds) => {
    let v = fn(seconds * rate);
    if (scale !== null) v *= scale;
    if (offset !== null) v += offset;
    v += initial;
    if (v < min) v = min;
    else if (v > max) v = wrap ? (v % max) + min : max;
    return integerValue(type, v);
  };
}

export function servedObject(record: SnmprecRecord): ServedObject {
  const [tagPart, variation] = record.tag.split(':');
  const hex = tagPart.endsWith('x');
  const type = TYPES[hex ? tagPart.slice(0, -1) : tagPart];
  if (type === undefined) throw badRecord(record, `unknown type tag "${tagPart}"`);
  const parts = record.oid.split('.').map(Number);
  if (parts.some((p) => !Number.isInteger(p) || p < 0)) throw badRecord(record, 'the OID is not dotted numbers');
  if (variation === undefined) return { oid: record.oid, parts, type, value: fixedValue(record, type, hex) };
  if (variation !== 'numeric') throw badRecord(record, `variation module "${variation}" is not served by the in-process agent`);
  return { oid: record.oid, parts, type, value: null, at: numericVariation(record, type) };
}

/** One agent's objects in OID order (GETNEXT walks this array). */
export function servedTable(records: SnmprecRecord[]): ServedObject[] {
  return records.map(servedObject).sort((a, b) => compareOids(a.oid, b.oid));
}

/** snmprec text (`OID|TAG|VALUE` lines, as snmpsim's recorded walks) as records; `#` lines are comments. */
export function parseSnmprec(text: string): SnmprecRecord[] {
  const records: SnmprecRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const first = line.indexOf('|');
    const second = line.indexOf('|', first + 1);
    if (first < 0 || second < 0) throw new OpsError('LAB_SNMPREC_VALUE', `snmprec line is not OID|TAG|VALUE: ${line.slice(0, 80)}`);
    records.push({ oid: line.slice(0, first), tag: line.slice(first + 1, second), value: line.slice(second + 1).replace(/\r$/, '') });
  }
  return records;
}

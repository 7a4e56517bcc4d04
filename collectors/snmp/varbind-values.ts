// net-snmp varbinds → RawSnmpPoll values. This runs once per varbind, so it avoids work it does
// not need: no intermediate objects, Counter64 decoded straight from its BER bytes, OIDs and
// names reused as the strings they already are.

import type { Varbind } from 'net-snmp';
import type { SnmpValue, SnmpValueKind } from './types.js';
import { OpsError } from '../../common/errors.js';

// SMI tags as net-snmp reports them (snmp.ObjectType), inlined for the switch below.
export const TAG = {
  Boolean: 1,
  Integer: 2,
  OctetString: 4,
  Null: 5,
  OID: 6,
  IpAddress: 64,
  Counter32: 65,
  Gauge32: 66,
  TimeTicks: 67,
  Opaque: 68,
  Counter64: 70,
  NoSuchObject: 128,
  NoSuchInstance: 129,
  EndOfMibView: 130,
} as const;

export type SkipReason = 'noSuchObject' | 'noSuchInstance' | 'endOfMibView' | 'unsupportedType';

export class MalformedValueError extends OpsError {
  declare readonly code: 'SNMP_MALFORMED';
  constructor(message: string) {
    super('SNMP_MALFORMED', message);
    this.name = 'MalformedValueError';
  }
}

// net-snmp hands Counter64 over as the raw big-endian BER content (up to 9 bytes: a leading 0x00
// keeps the integer positive). Up to 6 bytes fit a double exactly; beyond, two halves.
export function counter64ToBigint(value: unknown): bigint {
  if (Buffer.isBuffer(value)) {
    const len = value.length;
    if (len <= 6) {
      let n = 0;
      for (let i = 0; i < len; i++) n = n * 256 + value[i];
      return BigInt(n);
    }
    if (len > 9 || (len === 9 && value[0] !== 0)) throw new MalformedValueError(`Counter64 of ${len} bytes exceeds 64 bits`);
    let high = 0;
    for (let i = 0; i < len - 4; i++) high = high * 256 + value[i];
    return (BigInt(high) << 32n) | BigInt(value.readUInt32BE(len - 4));
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'bigint') return value;
  throw new MalformedValueError(`Counter64 value of unexpected type ${typeof value}`);
}

function hex(buf: Buffer): string {
  return '0x' + buf.toString('hex');
}

// DisplayStrings come back as text; anything with control bytes or invalid UTF-8 (MAC addresses,
// binary blobs) as 0x-prefixed hex, so a value is never silently mangled.
export function octetsToText(buf: Buffer): string {
  let end = buf.length;
  while (end > 0 && buf[end - 1] === 0) end--; // some agents NUL-terminate DisplayStrings
  let ascii = true;
  for (let i = 0; i < end; i++) {
    const b = buf[i];
    if (b < 0x20 || b === 0x7f) {
      if (b === 0x09 || b === 0x0a || b === 0x0d) continue;
      return hex(buf);
    }
    if (b >= 0x80) ascii = false;
  }
  if (ascii) return buf.toString('latin1', 0, end);
  const text = buf.toString('utf8', 0, end);
  return text.includes('\uFFFD') ? hex(buf) : text;
}

function makeValue(name: string, oid: string, index: string, kind: SnmpValueKind, counter: bigint | null, number: number | null, text: string | null): SnmpValue {
  return { name, oid, index, kind, counter, number, text };
}

function asNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  throw new MalformedValueError(`numeric value of unexpected type ${typeof v}`);
}

function asBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return Buffer.from(v, 'latin1');
  throw new MalformedValueError(`octet string of unexpected type ${typeof v}`);
}

// Returns null for a varbind that carries no value (exceptions, Null, BitString): see skipReason.
export function toSnmpValue(name: string, vb: Varbind, index: string): SnmpValue | null {
  const v = vb.value;
  switch (vb.type) {
    case TAG.Counter64:
      return makeValue(name, vb.oid, index, 'COUNTER64', counter64ToBigint(v), null, null);
    case TAG.Counter32:
      return makeValue(name, vb.oid, index, 'COUNTER32', BigInt(asNumber(v)), null, null);
    case TAG.Gauge32:
      return makeValue(name, vb.oid, index, 'GAUGE32', null, asNumber(v), null);
    case TAG.Integer:
      return makeValue(name, vb.oid, index, 'INTEGER', null, asNumber(v), null);
    case TAG.TimeTicks:
      return makeValue(name, vb.oid, index, 'TIMETICKS', null, asNumber(v), null);
    case TAG.Boolean:
      return makeValue(name, vb.oid, index, 'INTEGER', null, v ? 1 : 0, null);
    case TAG.OctetString:
      return makeValue(name, vb.oid, index, 'OCTET_STRING', null, null, octetsToText(asBuffer(v)));
    case TAG.OID:
      return makeValue(name, vb.oid, index, 'OID', null, null, String(v));
    case TAG.IpAddress:
      return makeValue(name, vb.oid, index, 'IP_ADDRESS', null, null, String(v));
    case TAG.Opaque:
      return makeValue(name, vb.oid, index, 'OPAQUE', null, null, hex(asBuffer(v)));
    default:
      return null;
  }
}

export function skipReason(type: number): SkipReason {
  if (type === TAG.NoSuchObject) return 'noSuchObject';
  if (type === TAG.NoSuchInstance) return 'noSuchInstance';
  if (type === TAG.EndOfMibView) return 'endOfMibView';
  return 'unsupportedType';
}

// Avro logical types of the project and the avsc options every encoder and decoder must use.
//
// "uint64" marks SNMP counters: Counter64 values go up to 2^64 - 1, which neither a JS number
// (exact to 2^53) nor a signed Avro long can hold. The value travels as an Avro long holding the
// same 64 bits (two's complement: 2^64 - 1 is written as the long -1), so any Avro reader still
// decodes it, and in JS it is always a bigint. Other tools see a long (and may show it signed).
//
// The type reads and writes the 8 bytes itself (through avsc's long byte packing) instead of
// going through avsc's default long type, which would throw above 2^53: that is why it overrides
// the low-level _read/_write methods and not only _fromValue/_toValue.

import avro from 'avsc';
import { SchemaType } from '@kafkajs/confluent-schema-registry';

const UINT64_LIMIT = 1n << 64n; // exclusive
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The uint64 value a JS value stands for, or undefined when it is not one. Numbers are
 * accepted when they are exact non-negative integers, so producers need not convert small
 * constants; decoding always yields a bigint. */
export function asUint64(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value >= 0n && value < UINT64_LIMIT ? value : undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return undefined;
}

// avsc's internal "tap" (a cursor over a buffer); not part of its typings.
interface Tap {
  unpackLongBytes(): Buffer;
  packLongBytes(buf: Buffer): void;
  skipLong(): void;
  readLong(): number;
  isValid(): boolean;
}

interface Resolver {
  _read?: (tap: Tap) => unknown;
}

export class Uint64Type extends avro.types.LogicalType {
  // Called by avsc for values coming from the underlying long (defaults, JSON): numbers or
  // decimal strings. Negative longs are reinterpreted as their unsigned 64-bit pattern.
  protected override _fromValue(value: unknown): bigint {
    if (typeof value === 'bigint') return BigInt.asUintN(64, value);
    return BigInt.asUintN(64, BigInt(value as number | string));
  }

  // Towards the underlying long, which only carries exact numbers: used for the Avro JSON form.
  protected override _toValue(value: unknown): number | string | undefined {
    const u = asUint64(value);
    if (u === undefined) return undefined;
    return u <= MAX_SAFE ? Number(u) : u.toString();
  }

  // Writers we can read from: another uint64, a plain long (its 64 bits, reinterpreted) or an
  // int. The actual reading is wired in _update below.
  protected override _resolve(writer: avro.Type): ((v: unknown) => bigint) | undefined {
    const name = writer.typeName;
    if (name === 'logical:uint64' || name === 'long' || name === 'abstract:long' || name === 'int') {
      return (v) => this._fromValue(v);
    }
    return undefined;
  }

  _read(tap: Tap): bigint | undefined {
    const bytes = tap.unpackLongBytes(); // 8 bytes, little-endian two's complement
    return tap.isValid() ? bytes.readBigUInt64LE(0) : undefined;
  }

  _write(tap: Tap, value: unknown): void {
    const u = asUint64(value);
    if (u === undefined) throw new Error(`invalid uint64 value: ${String(value)} (expected a bigint in [0, 2^64))`);
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64LE(u, 0);
    tap.packLongBytes(bytes); // packLongBytes mutates its argument: hence a fresh buffer each time
  }

  _skip(tap: Tap): void {
    tap.skipLong();
  }

  _check(value: unknown, _flags: unknown, hook?: (v: unknown, t: avro.Type) => void): boolean {
    const ok = asUint64(value) !== undefined;
    if (!ok && hook) hook(value, this);
    return ok;
  }

  // coerce 3: to the Avro JSON form (a number when exact, else a decimal string: JSON.parse
  // would round a larger number); coerce 2: from that form; otherwise a plain clone.
  _copy(value: unknown, opts?: { coerce?: number }): unknown {
    if (opts?.coerce === 3) return this._toValue(value);
    if (opts?.coerce === 2) return this._fromValue(value);
    const u = asUint64(value);
    if (u === undefined) throw new Error(`invalid uint64 value: ${String(value)}`);
    return u;
  }

  _update(resolver: Resolver, writer: avro.Type): void {
    const name = writer.typeName;
    if (name === 'logical:uint64' || name === 'long' || name === 'abstract:long') {
      resolver._read = (tap) => this._read(tap);
    } else if (name === 'int') {
      resolver._read = (tap) => BigInt.asUintN(64, BigInt(tap.readLong()));
    }
  }

  override compare(a: unknown, b: unknown): number {
    const x = asUint64(a);
    const y = asUint64(b);
    if (x === undefined || y === undefined) throw new Error('uint64 compare: invalid value');
    return x < y ? -1 : x > y ? 1 : 0;
  }

  // avsc's typings say random() returns a Type; it returns a value of the type.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override random(): any {
    const hi = BigInt(Math.floor(Math.random() * 2 ** 32));
    const lo = BigInt(Math.floor(Math.random() * 2 ** 32));
    return (hi << 32n) | lo;
  }
}

// avsc keeps the named types of a parse in `opts.registry`, which it adds to the options object
// it is given, and it refuses to define a name twice. Callers pass `avroOptions` itself to
// forSchema, again and again (one schema per topic, the same schema twice), so the options keep
// that registry in a hidden (non-enumerable, hence never copied by a spread) slot that starts
// empty at each top-level parse. avsc calls typeHook at the start of every parse, top-level or
// nested; a nested one always gets an object inside the schema being parsed, so an object that
// is not inside the previous top-level schema starts a new parse.
let parseRegistry: Record<string, avro.Type> = {};
let insideCurrentParse = new WeakSet<object>();

function objectsInside(schema: object): WeakSet<object> {
  const seen = new WeakSet<object>();
  const walk = (node: unknown, isRoot: boolean) => {
    if (node === null || typeof node !== 'object') return;
    if (!isRoot) seen.add(node);
    for (const child of Array.isArray(node) ? node : Object.values(node)) walk(child, false);
  };
  walk(schema, true);
  return seen;
}

const projectOptions = {
  logicalTypes: { uint64: Uint64Type } as Partial<avro.ForSchemaOptions>['logicalTypes'],
  typeHook(schema: unknown, opts: unknown): undefined {
    if (opts === projectOptions && schema !== null && typeof schema === 'object' && !insideCurrentParse.has(schema)) {
      parseRegistry = {};
      insideCurrentParse = objectsInside(schema);
    }
    return undefined;
  },
};
Object.defineProperty(projectOptions, 'registry', {
  enumerable: false,
  get: () => parseRegistry,
  set: (value: Record<string, avro.Type>) => {
    parseRegistry = value;
  },
});

/** avsc `Type.forSchema` options of the project (the uint64 logical type). Safe to pass as is,
 * any number of times, and to spread into other options. */
export const avroOptions: Partial<avro.ForSchemaOptions> = projectOptions;

/** Parses an Avro schema (object or JSON text) with the project's logical types. */
export function avroTypeFor(schema: object | string): avro.Type {
  const parsed = typeof schema === 'string' ? JSON.parse(schema) : schema;
  return avro.Type.forSchema(parsed, avroOptions);
}

/** Second argument of `new SchemaRegistry(api, options)` from @kafkajs/confluent-schema-registry:
 * its options are keyed by schema type, and the AVRO entry is spread into avsc's forSchema
 * options for every schema it parses (registering, encoding, decoding, reader schemas). */
export const schemaRegistryOptions = Object.freeze({ [SchemaType.AVRO]: avroOptions });

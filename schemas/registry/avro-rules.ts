// What the registry knows about Avro: parsing a submitted schema, the form that decides whether
// two submissions are "the same schema", and compatibility between versions.
//
// Schemas are parsed WITHOUT the project's logical types on purpose: compatibility is a property
// of the Avro encoding (a uint64 is a long on the wire), not of how JS represents the values.

import avro from 'avsc';
import { RegistryError } from './errors.js';

export const compatibilityLevels = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof compatibilityLevels)[number];

export function parseCompatibilityLevel(value: unknown): CompatibilityLevel {
  const upper = typeof value === 'string' ? value.toUpperCase() : '';
  if ((compatibilityLevels as readonly string[]).includes(upper)) return upper as CompatibilityLevel;
  throw new RegistryError(
    'INVALID_COMPATIBILITY_LEVEL',
    `Invalid compatibility level ${JSON.stringify(value)}. Valid values are ${compatibilityLevels.join(', ')}`,
  );
}

export interface ParsedSchema {
  /** Compact JSON text as submitted (key order kept): what the registry stores and returns. */
  text: string;
  /** Canonical JSON (keys sorted, {"type":"long"} written "long"): equal for equal schemas. */
  identity: string;
  type: avro.Type;
}

const primitives = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  if (keys.length === 1 && keys[0] === 'type' && typeof obj.type === 'string' && primitives.has(obj.type)) {
    return obj.type;
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = canonical(obj[k]);
  return out;
}

/** Parses a schema submitted to the REST API (`schema` is JSON text, as in Confluent's API). */
export function parseAvroSchema(schema: unknown, schemaType: unknown = undefined): ParsedSchema {
  if (schemaType !== undefined && schemaType !== null && schemaType !== 'AVRO') {
    throw new RegistryError(
      'INVALID_SCHEMA',
      `Schema type ${JSON.stringify(schemaType)} is not supported by this registry: only AVRO is`,
    );
  }
  if (typeof schema !== 'string' || schema.trim() === '') {
    throw new RegistryError('INVALID_SCHEMA', 'Invalid schema: the request body needs a "schema" string holding the Avro schema as JSON');
  }
  let json: unknown;
  try {
    json = JSON.parse(schema);
  } catch (err) {
    throw new RegistryError('INVALID_SCHEMA', `Invalid schema: not JSON (${(err as Error).message})`);
  }
  let type: avro.Type;
  try {
    type = avro.Type.forSchema(json as avro.Schema, { noAnonymousTypes: false });
  } catch (err) {
    throw new RegistryError('INVALID_SCHEMA', `Invalid Avro schema: ${(err as Error).message}`);
  }
  return { text: JSON.stringify(json), identity: JSON.stringify(canonical(json)), type };
}

/** Parses a schema the registry stored itself (already validated). */
export function parseStoredSchema(text: string): avro.Type {
  return avro.Type.forSchema(JSON.parse(text) as avro.Schema);
}

export function identityOf(text: string): string {
  return JSON.stringify(canonical(JSON.parse(text)));
}

function canRead(reader: avro.Type, writer: avro.Type): boolean {
  try {
    reader.createResolver(writer);
    return true;
  } catch {
    return false;
  }
}

function fieldsOf(t: avro.Type): avro.types.Field[] | undefined {
  return t.typeName === 'record' || t.typeName === 'error' ? (t as avro.types.RecordType).fields : undefined;
}

function brief(t: avro.Type): string {
  const text = JSON.stringify(t.schema());
  return text.length > 120 ? text.slice(0, 117) + '...' : text;
}

/** Why `reader` cannot read data written with `writer`, naming the deepest field at fault. */
export function explainUnreadable(reader: avro.Type, writer: avro.Type, path = ''): string {
  const rFields = fieldsOf(reader);
  const wFields = fieldsOf(writer);
  if (rFields && wFields) {
    if (reader.name !== writer.name && !(reader.aliases ?? []).includes(writer.name ?? '')) {
      return `${path || 'record'}: record name ${reader.name} does not match ${writer.name} (and no alias says so)`;
    }
    for (const rf of rFields) {
      const names = [rf.name, ...(rf.aliases ?? [])];
      const wf = wFields.find((f) => names.includes(f.name));
      const fieldPath = path + rf.name;
      if (!wf) {
        if (rf.defaultValue() === undefined) {
          return `field "${fieldPath}" (${reader.name}) has no default and is missing from the writer schema`;
        }
        continue;
      }
      if (!canRead(rf.type, wf.type)) return explainUnreadable(rf.type, wf.type, fieldPath + '.');
    }
  }
  const at = path ? `field "${path.replace(/\.$/, '')}"` : 'schema';
  if (reader.typeName === 'array' && writer.typeName === 'array') {
    return explainUnreadable((reader as avro.types.ArrayType).itemsType, (writer as avro.types.ArrayType).itemsType, path + '[].');
  }
  if (reader.typeName === 'map' && writer.typeName === 'map') {
    return explainUnreadable((reader as avro.types.MapType).valuesType, (writer as avro.types.MapType).valuesType, path + '{}.');
  }
  if (writer.typeName.includes('union')) {
    const bad = (writer as unknown as { types: avro.Type[] }).types.find((w) => !canRead(reader, w));
    if (bad) return `${at}: writer branch ${brief(bad)} cannot be read as ${brief(reader)}`;
  }
  if (reader.typeName === 'enum' && writer.typeName === 'enum') {
    const rs = (reader as avro.types.EnumType).symbols;
    const missing = (writer as avro.types.EnumType).symbols.filter((s) => !rs.includes(s));
    return `${at}: enum ${reader.name} lacks writer symbols ${missing.join(', ')} and has no default`;
  }
  try {
    reader.createResolver(writer);
    return `${at}: incompatible`;
  } catch {
    return `${at}: ${brief(writer)} cannot be read as ${brief(reader)}`;
  }
}

export interface ExistingVersion {
  version: number;
  type: avro.Type;
}

/** Checks a candidate schema against a subject's live versions (oldest first) under `level`.
 * Returns the reasons it is incompatible; an empty list means compatible. */
export function compatibilityProblems(
  candidate: avro.Type,
  existing: ExistingVersion[],
  level: CompatibilityLevel,
): string[] {
  if (level === 'NONE' || existing.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? existing : existing.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const problems: string[] = [];
  for (const old of [...against].reverse()) {
    if (backward && !canRead(candidate, old.type)) {
      problems.push(`new schema cannot read data written with version ${old.version}: ${explainUnreadable(candidate, old.type)}`);
    }
    if (forward && !canRead(old.type, candidate)) {
      problems.push(`version ${old.version} cannot read data written with the new schema: ${explainUnreadable(old.type, candidate)}`);
    }
  }
  return problems;
}

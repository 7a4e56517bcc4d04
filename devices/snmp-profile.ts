// SNMP polling profiles as data files (YAML), like snmp_exporter's modules: what a profile walks
// (scalars to GET, table columns to walk with GetBulk), the SMI type each object has, the labels
// of its table index, and which devices it suits (sysObjectID prefixes, vendors). A neutral module:
// the collector polls what a profile lists, the processor may name the metrics a profile declares.
// Every problem is reported with the file and line it is on, all of them at once.
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { OpsError } from '../common/errors.js';

/** SMI types a profile may declare; the wire type of each value is what the agent sends. */
export const SNMP_OBJECT_TYPES = ['Integer', 'Gauge32', 'Counter32', 'Counter64', 'TimeTicks', 'DisplayString', 'OctetString', 'OID', 'IpAddress', 'Opaque'] as const;
export type SnmpObjectType = (typeof SNMP_OBJECT_TYPES)[number];

export interface ScalarObject {
  name: string;
  oid: string; // instance OID, ends in .0
  type?: SnmpObjectType;
  /** The metric the processor emits for it (profiles without a normaliser of their own). */
  metric?: string;
  unit?: string;
}

export interface ColumnObject {
  name: string;
  oid: string; // column OID (entry OID + column number), without instance
  type?: SnmpObjectType;
  metric?: string;
  unit?: string;
}

export interface ProfileMatch {
  sysObjectID: string[]; // OID prefixes
  vendor: string[];
}

export interface SnmpProfile {
  name: string;
  description?: string;
  match?: ProfileMatch;
  /** Label names of the table index, one per index component (the last takes what remains). */
  index?: string[];
  scalars: ScalarObject[];
  columns: ColumnObject[]; // walked together with GetBulk, one request carrying every column
  /** Where the profile was read from ("<file>"), for messages. */
  source?: string;
}

export class ProfileError extends OpsError {
  declare readonly code: 'SNMP_PROFILE_INVALID';
  constructor(readonly problems: string[]) {
    super('SNMP_PROFILE_INVALID', problems.length === 1 ? problems[0] : `${problems.length} problems in SNMP profiles:\n  ${problems.join('\n  ')}`);
    this.name = 'ProfileError';
  }
}

const OID = /^\d+(\.\d+)+$/;
const PROFILE_NAME = /^[a-z0-9][a-z0-9-]*$/;
const OBJECT_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const METRIC_NAME = /^[a-z_][a-z0-9_]*$/;
const TOP_KEYS = new Set(['name', 'description', 'match', 'index', 'scalars', 'columns']);
const OBJECT_KEYS = new Set(['name', 'oid', 'type', 'metric', 'unit']);
const MATCH_KEYS = new Set(['sysObjectID', 'vendor']);

/** Parses and validates one profile file's text; throws ProfileError listing every problem as `file:line: what`. */
export function parseProfile(text: string, file: string): SnmpProfile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const problems: string[] = [];
  const at = (node: Node | null | undefined) => `${file}:${node?.range ? lines.linePos(node.range[0]).line : 1}`;
  const fail = (node: Node | null | undefined, what: string) => problems.push(`${at(node)}: ${what}`);
  for (const e of doc.errors) problems.push(`${file}:${e.linePos?.[0]?.line ?? 1}: not valid YAML: ${e.message.split('\n')[0]}`);
  if (problems.length) throw new ProfileError(problems);
  const root = doc.contents;
  if (!isMap(root)) throw new ProfileError([`${at(root)}: a profile is a mapping with name, scalars and/or columns`]);

  const value = (map: { get(key: unknown, keepScalar: true): unknown }, key: string) => map.get(key, true) as Node | undefined;
  for (const pair of root.items) {
    const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
    if (!TOP_KEYS.has(key)) fail(pair.key, `unknown key "${key}" (allowed: ${[...TOP_KEYS].join(', ')})`);
  }
  const str = (node: Node | undefined, what: string, pattern?: RegExp, hint?: string): string | undefined => {
    const v = (node as { value?: unknown } | undefined)?.value;
    if (typeof v !== 'string' && typeof v !== 'number') {
      fail(node ?? root, `${what} is required (a string)`);
      return undefined;
    }
    const s = String(v);
    if (pattern && !pattern.test(s)) fail(node, `${what} "${s}" ${hint ?? `must match ${pattern}`}`);
    return s;
  };
  const strings = (node: Node | undefined, what: string): string[] => {
    if (node === undefined) return [];
    if (!isSeq(node)) {
      fail(node, `${what} must be a list`);
      return [];
    }
    return node.items.map((item) => str(item as Node, `an entry of ${what}`) ?? '');
  };

  const name = str(value(root, 'name'), 'name', PROFILE_NAME, 'must be lower-case letters, digits and dashes');
  const descriptionNode = value(root, 'description');
  const description = descriptionNode === undefined ? undefined : str(descriptionNode, 'description');

  let match: ProfileMatch | undefined;
  const matchNode = value(root, 'match');
  if (matchNode !== undefined) {
    if (!isMap(matchNode)) fail(matchNode, 'match must be a mapping of sysObjectID and/or vendor lists');
    else {
      for (const pair of matchNode.items) {
        const key = String((pair.key as { value?: unknown })?.value);
        if (!MATCH_KEYS.has(key)) fail(pair.key as Node, `unknown match key "${key}" (allowed: sysObjectID, vendor)`);
      }
      match = { sysObjectID: strings(value(matchNode, 'sysObjectID'), 'match.sysObjectID'), vendor: strings(value(matchNode, 'vendor'), 'match.vendor') };
      for (const prefix of match.sysObjectID) if (prefix && !OID.test(prefix.replace(/\.$/, ''))) fail(value(matchNode, 'sysObjectID'), `match.sysObjectID "${prefix}" is not a dotted OID prefix`);
    }
  }
  const indexNode = value(root, 'index');
  const index = indexNode === undefined ? undefined : strings(indexNode, 'index');

  const objects = (key: 'scalars' | 'columns') => {
    const node = value(root, key);
    const out: Array<ScalarObject & ColumnObject> = [];
    if (node === undefined) return out;
    if (!isSeq(node)) {
      fail(node, `${key} must be a list of objects (name, oid, type)`);
      return out;
    }
    const seen = new Set<string>();
    for (const item of node.items as Node[]) {
      if (!isMap(item)) {
        fail(item, `an entry of ${key} must be a mapping with name, oid and type`);
        continue;
      }
      for (const pair of item.items) {
        const k = String((pair.key as { value?: unknown })?.value);
        if (!OBJECT_KEYS.has(k)) fail(pair.key as Node, `unknown key "${k}" in ${key} (allowed: ${[...OBJECT_KEYS].join(', ')})`);
      }
      const objName = str(value(item, 'name'), `${key} name`, OBJECT_NAME, 'must be a MIB object name (letters, digits, _)') ?? '';
      const oidNode = value(item, 'oid');
      const oid = str(oidNode, `oid of ${objName}`, OID, 'is not a dotted numeric OID') ?? '';
      if (key === 'scalars' && oid && !oid.endsWith('.0')) fail(oidNode, `scalar ${objName}: oid ${oid} must be the instance (end in .0)`);
      const typeNode = value(item, 'type');
      const type = typeNode === undefined ? undefined : (str(typeNode, `type of ${objName}`) as SnmpObjectType);
      if (type !== undefined && !SNMP_OBJECT_TYPES.includes(type)) fail(typeNode, `type of ${objName} "${type}" is not one of ${SNMP_OBJECT_TYPES.join(', ')}`);
      const metricNode = value(item, 'metric');
      const metric = metricNode === undefined ? undefined : str(metricNode, `metric of ${objName}`, METRIC_NAME, 'must be snake_case');
      const unitNode = value(item, 'unit');
      const unit = unitNode === undefined ? undefined : str(unitNode, `unit of ${objName}`);
      if (metric !== undefined && unit === undefined) fail(metricNode, `metric ${metric} needs a unit (e.g. '%', celsius, count)`);
      if (metric !== undefined && type !== undefined && !['Integer', 'Gauge32', 'Counter32', 'Counter64', 'TimeTicks'].includes(type)) fail(metricNode, `metric ${metric}: ${objName} is ${type}, not a number`);
      if (seen.has(objName)) fail(item, `${key} lists ${objName} twice`);
      seen.add(objName);
      const obj: ScalarObject & ColumnObject = { name: objName, oid };
      if (type !== undefined) obj.type = type;
      if (metric !== undefined) obj.metric = metric;
      if (unit !== undefined) obj.unit = unit;
      out.push(obj);
    }
    return out;
  };
  const scalars = objects('scalars');
  const columns = objects('columns');
  if (scalars.length === 0 && columns.length === 0) fail(root, 'a profile needs at least one scalar or column');
  if (problems.length) throw new ProfileError(problems);

  const profile: SnmpProfile = { name: name!, scalars, columns, source: file };
  if (description !== undefined) profile.description = description;
  if (match) profile.match = match;
  if (index) profile.index = index;
  return profile;
}

/** The profiles whose match fits a device (sysObjectID prefix or vendor); profiles without match fit none. */
export function matchingProfiles(profiles: Iterable<SnmpProfile>, device: { sysObjectID?: string | null; vendor?: string | null }): string[] {
  const out: string[] = [];
  for (const p of profiles) {
    if (!p.match) continue;
    const oid = device.sysObjectID?.replace(/^\./, '');
    const byOid = oid ? p.match.sysObjectID.some((prefix) => oid === prefix.replace(/\.$/, '') || oid.startsWith(prefix.replace(/\.$/, '') + '.')) : false;
    const byVendor = device.vendor ? p.match.vendor.some((v) => v.toLowerCase() === device.vendor!.toLowerCase()) : false;
    if (byOid || byVendor) out.push(p.name);
  }
  return out;
}

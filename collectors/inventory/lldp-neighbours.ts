// LLDP neighbours polled over SNMP (LLDP-MIB, IEEE 802.1AB): one GetBulk walk per device of the
// local port table, the remote systems table and the interface names and speeds, turned into
// link sightings. Both ends of a cable report it; devices/links.ts folds the two into one link.
//
// Names are what vendors make of the MIB: a port id is the interface name only when its subtype
// says so (5, interfaceName); Junos and others send a local number (7) and the name in the port
// description, so the description is used then. A neighbour is matched to the inventory by its
// system name: a device id, a hostname, or a hostname's first label. A neighbour the inventory
// does not know (a customer's CPE, a server) is not a link of the map: it is counted, not drawn.

import type { Device } from '../../schemas/types.js';
import type { LinkSighting } from '../../devices/links.js';
import type { PooledSession } from '../snmp/session-pool.js';
import type { ColumnObject } from '../snmp/profiles.js';
import type { SnmpValue } from '../snmp/types.js';
import { walkColumns, type ReadSink } from '../snmp/walk.js';

const LOC_PORT = '1.0.8802.1.1.2.1.3.7.1'; // lldpLocPortEntry, index lldpLocPortNum
const REM = '1.0.8802.1.1.2.1.4.1.1'; // lldpRemEntry, index timeMark.localPortNum.remIndex
const SUBTYPE_INTERFACE_NAME = 5;

export const LLDP_COLUMNS: ColumnObject[] = [
  { name: 'lldpLocPortIdSubtype', oid: `${LOC_PORT}.2` },
  { name: 'lldpLocPortId', oid: `${LOC_PORT}.3` },
  { name: 'lldpLocPortDesc', oid: `${LOC_PORT}.4` },
  { name: 'lldpRemPortIdSubtype', oid: `${REM}.6` },
  { name: 'lldpRemPortId', oid: `${REM}.7` },
  { name: 'lldpRemPortDesc', oid: `${REM}.8` },
  { name: 'lldpRemSysName', oid: `${REM}.9` },
  { name: 'ifName', oid: '1.3.6.1.2.1.31.1.1.1.1' },
  { name: 'ifHighSpeed', oid: '1.3.6.1.2.1.31.1.1.1.15' },
];

export interface LldpWalkOptions {
  maxRepetitions: number;
  guardMs: number;
}

export async function walkLldp(entry: PooledSession, opts: LldpWalkOptions): Promise<SnmpValue[]> {
  const sink: ReadSink = { values: [], sysUpTime: null, requests: 0, skipped: () => undefined };
  await walkColumns(entry, LLDP_COLUMNS, [], () => false, sink, opts);
  return sink.values;
}

/** Finds an inventory device by the system name a neighbour advertises. */
export function deviceResolver(devices: Iterable<Device>): (sysName: string) => string | null {
  const byName = new Map<string, string>();
  const add = (name: string, id: string) => {
    const key = name.toLowerCase();
    if (!byName.has(key)) byName.set(key, id);
  };
  const list = [...devices];
  for (const d of list) add(d.deviceId, d.deviceId);
  for (const d of list) add(d.hostname, d.deviceId);
  for (const d of list) add(d.hostname.split('.')[0], d.deviceId);
  return (sysName) => byName.get(sysName.toLowerCase()) ?? byName.get(sysName.split('.')[0].toLowerCase()) ?? null;
}

export interface LldpResult {
  sightings: LinkSighting[];
  unknownNeighbours: string[]; // system names the inventory does not hold
}

type Columns = Map<string, Map<string, SnmpValue>>; // column name → index → value

function byColumn(values: SnmpValue[]): Columns {
  const out: Columns = new Map();
  for (const v of values) {
    let col = out.get(v.name);
    if (!col) out.set(v.name, (col = new Map()));
    col.set(v.index, v);
  }
  return out;
}

const text = (v: SnmpValue | undefined) => (v?.text ?? '').trim();

function portName(subtype: SnmpValue | undefined, id: SnmpValue | undefined, desc: SnmpValue | undefined): string {
  return subtype?.number === SUBTYPE_INTERFACE_NAME && text(id) ? text(id) : text(desc) || text(id);
}

/** The device's LLDP walk as sightings from its side, with the local end's speed. */
export function lldpSightings(deviceId: string, values: SnmpValue[], resolve: (sysName: string) => string | null): LldpResult {
  const cols = byColumn(values);
  const col = (name: string) => cols.get(name) ?? new Map<string, SnmpValue>();
  const speedOf = new Map<string, number>(); // ifName → bits/s
  for (const [index, name] of col('ifName')) {
    const mbps = col('ifHighSpeed').get(index)?.number;
    if (mbps) speedOf.set(text(name), mbps * 1e6);
  }
  const localName = (portNum: string) =>
    portName(col('lldpLocPortIdSubtype').get(portNum), col('lldpLocPortId').get(portNum), col('lldpLocPortDesc').get(portNum)) ||
    text(col('ifName').get(portNum)); // lldpLocPortNum is the ifIndex on most agents
  const result: LldpResult = { sightings: [], unknownNeighbours: [] };
  for (const [index, sysNameValue] of col('lldpRemSysName')) {
    const localPortNum = index.split('.')[1];
    const sysName = text(sysNameValue);
    const remoteId = resolve(sysName);
    if (!remoteId) {
      result.unknownNeighbours.push(sysName || `(no system name, ${deviceId} port ${localPortNum})`);
      continue;
    }
    const local = localPortNum ? localName(localPortNum) : '';
    const remote = portName(col('lldpRemPortIdSubtype').get(index), col('lldpRemPortId').get(index), col('lldpRemPortDesc').get(index));
    if (!local || !remote) continue;
    result.sightings.push({ source: 'lldp', a: { deviceId, ifName: local }, b: { deviceId: remoteId, ifName: remote }, speedBps: speedOf.get(local) ?? null });
  }
  return result;
}

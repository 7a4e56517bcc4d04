// normalize (SNMP optics): one poll of an optics-* profile → optical power per port and
// direction, plus laser bias, module temperature and voltage where the sensor table has them.
// Gauges only, so no state. The MIB arithmetic is devices/optical-dom.ts (opticalLevels);
// this file decides series names and labels, and which readings are trustworthy enough to emit.
import { entityInterfaces } from '../../devices/entity-interfaces.js';
import { entitySensorValue, opticalLevels } from '../../devices/optical-dom.js';
import { opticalRxThresholds, RX_THRESHOLD_KINDS, type RxThresholds } from '../../devices/optical-thresholds.js';
import type { MetricBatch, RawSnmpPoll, SnmpValue } from '../../schemas/types.js';
import { batchBuilder } from './batch-builder.js';
import { interfaceNames, knownInterfaceNames } from './interface-names.js';
import { NO_LIGHT_FLOOR_DBM, OPTICAL, OPTICAL_RX_THRESHOLDS, portLabels, powerLabels, type PortLabel } from './optical-family.js';

const OPTICS_PROFILES = new Set(['optics-entity-sensor', 'optics-cisco', 'optics-juniper', 'optics-ciena']);

/** True for the SNMP profiles whose polls normalizeSnmpOptics reads (collectors/snmp/profiles.ts). */
export function isOpticsProfile(profile: string): boolean {
  return OPTICS_PROFILES.has(profile);
}

// ENTITY-SENSOR-MIB EntitySensorDataType (shared by CISCO-ENTITY-SENSOR-MIB's SensorDataType)
const SENSOR_VOLTS_DC = 4;
const SENSOR_AMPERES = 5;
const SENSOR_CELSIUS = 8;
const SENSOR_STATUS_OK = 1; // entPhySensorOperStatus / entSensorStatus: ok(1), unavailable(2), nonoperational(3)

type SensorPrefix = 'entPhySensor' | 'entSensor';
const sensorTable: Record<string, { prefix: SensorPrefix; status: string } | undefined> = {
  'optics-entity-sensor': { prefix: 'entPhySensor', status: 'entPhySensorOperStatus' },
  'optics-cisco': { prefix: 'entSensor', status: 'entSensorStatus' },
};

/**
 * The port a transceiver sensor belongs to, from its entPhysicalName: the first word, without a
 * direction or lane suffix ("Hu0/0/0/0 Rx Power", "Te1/1 Receive Power Sensor", "Optics0/0/0/0-Tx Lane 2 Power").
 */
export function portOfSensorName(name: string): string {
  const first = name.trim().split(/\s+/)[0] ?? '';
  return first.replace(/[-_](rx|tx|receive|transmit|lane\d*)$/i, '');
}

/**
 * (sensor's entPhysicalIndex, its entPhysicalName) → the port it measures: the name of the
 * interface ENTITY-MIB's entAliasMappingTable maps the sensor (or the transceiver and port it sits
 * in) to, when the poll walked the mapping and the interface names; else the port in the sensor's
 * own name (agents without the mapping table).
 */
function sensorPorts(poll: RawSnmpPoll): (index: string, sensorName: string) => string {
  const containedIn = new Map<string, number>();
  const aliasMapping = new Map<string, string>();
  for (const v of poll.values) {
    if (v.name === 'entPhysicalContainedIn' && v.number !== null) containedIn.set(v.index, v.number);
    else if (v.name === 'entAliasMappingIdentifier' && v.text) aliasMapping.set(v.index, v.text);
  }
  const ifIndexOf = entityInterfaces({ containedIn, aliasMapping });
  const nameOf = knownInterfaceNames(poll);
  return (index, sensorName) => {
    const ifIndex = ifIndexOf(index);
    return (ifIndex === null ? null : nameOf(ifIndex)) ?? portOfSensorName(sensorName);
  };
}

const laneOfSensorName = (name: string): string | null => /\blane\s*(\d+)/i.exec(name)?.[1] ?? null;

function column(poll: RawSnmpPoll, name: string): Map<string, SnmpValue> {
  return new Map(poll.values.filter((v) => v.name === name).map((v) => [v.index, v]));
}

const validScale = (n: number | null | undefined) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 17;

export function normalizeSnmpOptics(poll: RawSnmpPoll): MetricBatch {
  const b = batchBuilder(poll.deviceId, 'snmp', poll.polledAt);
  // The same availability samples as every other profile's poll (normalizeSnmp).
  b.add('device_up', 'ratio', poll.error ? 0 : 1);
  if (poll.error) return b.batch;
  b.add('snmp_poll_ms', 'ms', poll.durationMs);
  if (poll.sysUpTime !== null) b.add('sys_uptime_s', 's', poll.sysUpTime / 100);

  const table = sensorTable[poll.profile];
  if (table) addSensorTable(poll, table.prefix, table.status, b.add);
  else addPerPort(poll, b.add);
  return b.batch;
}

type Add = ReturnType<typeof batchBuilder>['add'];

/** The transceiver's Rx limits beside its Rx reading, with the reading's labels (the rule looks them up by them). */
function addRxThresholds(t: RxThresholds | undefined, labels: Record<string, string>, add: Add): void {
  if (!t) return;
  for (const kind of RX_THRESHOLD_KINDS) if (t[kind] !== null) add(OPTICAL_RX_THRESHOLDS[kind], 'dBm', t[kind], labels);
}

function addPerPort(poll: RawSnmpPoll, add: Add): void {
  // JUNIPER-DOM-MIB is indexed by ifIndex: the profile walks the interface names beside it, so
  // the optics of et-0/0/5 carry the same name as its traffic (interface-names.ts). The WWP
  // transceiver table (Ciena) is indexed by port number, which is the port's ifIndex on SAOS and
  // in the lab: named the same way when an interface of that index has a name, else `port=<n>`
  // (the device's own number for it, not an invented name).
  const ifNameOf = interfaceNames(poll);
  const knownName = knownInterfaceNames(poll);
  const juniper = poll.profile === 'optics-juniper';
  const thresholds = opticalRxThresholds(poll);
  for (const level of opticalLevels(poll)) {
    const name = juniper ? ifNameOf(level.index) : knownName(level.index);
    const [key, port]: [PortLabel, string] = name === null ? ['port', level.index] : ['ifName', name];
    const family = level.direction === 'rx' ? OPTICAL.rx : OPTICAL.tx;
    const labels = powerLabels(key, port, null, level.direction);
    // Limits first: the rule reads them from the device's state when it judges the reading.
    if (level.direction === 'rx') addRxThresholds(thresholds.get(level.index), labels, add);
    add(family.metric, family.unit, level.dbm ?? NO_LIGHT_FLOOR_DBM, labels);
  }
}

function addSensorTable(poll: RawSnmpPoll, prefix: SensorPrefix, statusColumn: string, add: Add): void {
  const scales = column(poll, `${prefix}Scale`);
  const statuses = column(poll, statusColumn);
  // A row with an impossible scale makes entitySensorValue throw; leave that row out rather than
  // losing the whole poll to the dead-letter topic.
  const usable = { ...poll, values: poll.values.filter((v) => v.name !== `${prefix}Value` || validScale(scales.get(v.index)?.number)) };
  const ok = (index: string) => {
    const status = statuses.get(index)?.number;
    return status === undefined || status === null || status === SENSOR_STATUS_OK;
  };

  const portOf = sensorPorts(poll);
  const ports = new Set<string>();
  const thresholds = opticalRxThresholds(usable);
  for (const level of opticalLevels(usable)) {
    if (!ok(level.index) || !level.name) continue;
    const port = portOf(level.index, level.name);
    if (!port) continue;
    ports.add(port);
    const family = level.direction === 'rx' ? OPTICAL.rx : OPTICAL.tx;
    const labels = powerLabels('ifName', port, laneOfSensorName(level.name), level.direction);
    // Limits first: the rule reads them from the device's state when it judges the reading.
    if (level.direction === 'rx') addRxThresholds(thresholds.get(level.index), labels, add);
    add(family.metric, family.unit, level.dbm ?? NO_LIGHT_FLOOR_DBM, labels);
  }

  // Bias, temperature and voltage only of ports that have optical power sensors: the same table
  // holds every chassis sensor (fans, CPUs, power supplies), which are not optics.
  const types = column(usable, `${prefix}Type`);
  const precisions = column(usable, `${prefix}Precision`);
  const names = column(usable, 'entPhysicalName');
  for (const v of usable.values) {
    if (v.name !== `${prefix}Value` || v.number === null || !ok(v.index)) continue;
    const type = types.get(v.index)?.number;
    const scale = scales.get(v.index)?.number;
    const precision = precisions.get(v.index)?.number;
    const name = names.get(v.index)?.text;
    if (scale == null || precision == null || !name) continue;
    const port = portOf(v.index, name);
    if (!ports.has(port)) continue;
    const base = entitySensorValue(v.number, scale, precision);
    // × 1000 by raising the SI scale one step (milli → units), so the power of ten stays exact: 32.8, not 32.800000000000004
    const milli = () => (scale < 17 ? entitySensorValue(v.number!, scale + 1, precision) : base * 1000);
    if (type === SENSOR_AMPERES) add(OPTICAL.laserBias.metric, OPTICAL.laserBias.unit, milli(), portLabels('ifName', port, laneOfSensorName(name)));
    else if (type === SENSOR_CELSIUS) add(OPTICAL.temperature.metric, OPTICAL.temperature.unit, base, portLabels('ifName', port, laneOfSensorName(name)));
    else if (type === SENSOR_VOLTS_DC) add(OPTICAL.voltage.metric, OPTICAL.voltage.unit, base, portLabels('ifName', port, laneOfSensorName(name)));
  }
}

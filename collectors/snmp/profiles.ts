// Polling profiles as data: which scalars to GET and which table columns to walk, each with its
// MIB object name (the name a RawSnmpPoll value carries). Adding a profile is adding an entry.

export interface ScalarObject {
  name: string;
  oid: string; // instance OID, ends in .0
}

export interface ColumnObject {
  name: string;
  oid: string; // column OID (entry OID + column number), without instance
}

export interface SnmpProfile {
  name: string;
  scalars: ScalarObject[];
  columns: ColumnObject[]; // walked together with GetBulk, one request carrying every column
}

// Every poll reads it so every reading can be checked for a reboot (counter reset).
export const SYS_UPTIME: ScalarObject = { name: 'sysUpTime', oid: '1.3.6.1.2.1.1.3.0' };

const SYSTEM = '1.3.6.1.2.1.1';
const ENT_PHYSICAL_NAME = '1.3.6.1.2.1.47.1.1.1.1.7'; // ENTITY-MIB: names the sensor ("<port> Rx Power")
const ENT_PHY_SENSOR = '1.3.6.1.2.1.99.1.1.1'; // ENTITY-SENSOR-MIB::entPhySensorEntry (RFC 3433)
const ENT_SENSOR_VALUE = '1.3.6.1.4.1.9.9.91.1.1.1.1'; // CISCO-ENTITY-SENSOR-MIB::entSensorValueEntry
const ENT_SENSOR_THRESHOLD = '1.3.6.1.4.1.9.9.91.1.2.1.1'; // CISCO-ENTITY-SENSOR-MIB::entSensorThresholdEntry (by sensor.threshold)
const JNX_DOM_CURRENT = '1.3.6.1.4.1.2636.3.60.1.1.1.1'; // JUNIPER-DOM-MIB::jnxDomCurrentEntry (by ifIndex)
const WWP_XCVR = '1.3.6.1.4.1.6141.2.60.4.1.1.1.1'; // WWP-LEOS-PORT-XCVR-MIB::wwpLeosPortXcvrEntry (by port)
const IF_ENTRY = '1.3.6.1.2.1.2.2.1'; // IF-MIB::ifEntry
const IFX_ENTRY = '1.3.6.1.2.1.31.1.1.1'; // IF-MIB::ifXEntry

export const PROFILES: Record<string, SnmpProfile> = {
  system: {
    name: 'system',
    scalars: [SYS_UPTIME, { name: 'sysName', oid: `${SYSTEM}.5.0` }],
    columns: [],
  },
  interfaces: {
    name: 'interfaces',
    scalars: [],
    columns: [
      { name: 'ifName', oid: `${IFX_ENTRY}.1` },
      { name: 'ifDescr', oid: `${IF_ENTRY}.2` }, // the name of agents without ifXTable
      { name: 'ifAlias', oid: `${IFX_ENTRY}.18` },
      { name: 'ifHighSpeed', oid: `${IFX_ENTRY}.15` },
      { name: 'ifSpeed', oid: `${IF_ENTRY}.5` }, // bit/s: the line rate of agents without ifXTable and of sub-Mbit/s links
      { name: 'ifAdminStatus', oid: `${IF_ENTRY}.7` }, // a port an operator shut is not down
      { name: 'ifOperStatus', oid: `${IF_ENTRY}.8` },
      { name: 'ifHCInOctets', oid: `${IFX_ENTRY}.6` },
      { name: 'ifHCOutOctets', oid: `${IFX_ENTRY}.10` },
      { name: 'ifHCInUcastPkts', oid: `${IFX_ENTRY}.7` },
      { name: 'ifHCOutUcastPkts', oid: `${IFX_ENTRY}.11` },
      { name: 'ifInErrors', oid: `${IF_ENTRY}.14` },
      { name: 'ifInDiscards', oid: `${IF_ENTRY}.13` },
      { name: 'ifOutErrors', oid: `${IF_ENTRY}.20` },
    ],
  },
  // Optical DOM. Raw values travel with the columns that give them meaning (type, scale,
  // precision, names), so the normaliser converts them without a MIB (see devices/optical-dom.ts).
  'optics-entity-sensor': {
    name: 'optics-entity-sensor',
    scalars: [],
    columns: [
      { name: 'entPhySensorType', oid: `${ENT_PHY_SENSOR}.1` },
      { name: 'entPhySensorScale', oid: `${ENT_PHY_SENSOR}.2` },
      { name: 'entPhySensorPrecision', oid: `${ENT_PHY_SENSOR}.3` },
      { name: 'entPhySensorValue', oid: `${ENT_PHY_SENSOR}.4` },
      { name: 'entPhySensorOperStatus', oid: `${ENT_PHY_SENSOR}.5` },
      { name: 'entPhySensorUnitsDisplay', oid: `${ENT_PHY_SENSOR}.6` },
      { name: 'entPhysicalName', oid: ENT_PHYSICAL_NAME },
    ],
  },
  'optics-cisco': {
    name: 'optics-cisco',
    scalars: [],
    columns: [
      { name: 'entSensorType', oid: `${ENT_SENSOR_VALUE}.1` },
      { name: 'entSensorScale', oid: `${ENT_SENSOR_VALUE}.2` },
      { name: 'entSensorPrecision', oid: `${ENT_SENSOR_VALUE}.3` },
      { name: 'entSensorValue', oid: `${ENT_SENSOR_VALUE}.4` },
      { name: 'entSensorStatus', oid: `${ENT_SENSOR_VALUE}.5` },
      { name: 'entPhysicalName', oid: ENT_PHYSICAL_NAME },
      // The transceiver's own alarm and warning limits (devices/optical-thresholds.ts).
      { name: 'entSensorThresholdSeverity', oid: `${ENT_SENSOR_THRESHOLD}.2` },
      { name: 'entSensorThresholdRelation', oid: `${ENT_SENSOR_THRESHOLD}.3` },
      { name: 'entSensorThresholdValue', oid: `${ENT_SENSOR_THRESHOLD}.4` },
    ],
  },
  'optics-juniper': {
    name: 'optics-juniper',
    scalars: [],
    columns: [
      { name: 'jnxDomCurrentRxLaserPower', oid: `${JNX_DOM_CURRENT}.5` }, // 0.01 dBm
      { name: 'jnxDomCurrentTxLaserOutputPower', oid: `${JNX_DOM_CURRENT}.7` }, // 0.01 dBm
      { name: 'jnxDomCurrentRxLaserPowerHighAlarmThreshold', oid: `${JNX_DOM_CURRENT}.9` }, // 0.01 dBm
      { name: 'jnxDomCurrentRxLaserPowerLowAlarmThreshold', oid: `${JNX_DOM_CURRENT}.10` },
      { name: 'jnxDomCurrentRxLaserPowerHighWarningThreshold', oid: `${JNX_DOM_CURRENT}.11` },
      { name: 'jnxDomCurrentRxLaserPowerLowWarningThreshold', oid: `${JNX_DOM_CURRENT}.12` },
      // Indexed by ifIndex: the names, so an optic reads "et-0/0/5", not "ifIndex513".
      { name: 'ifName', oid: `${IFX_ENTRY}.1` },
      { name: 'ifDescr', oid: `${IF_ENTRY}.2` },
    ],
  },
  'optics-ciena': {
    name: 'optics-ciena',
    scalars: [],
    columns: [
      { name: 'wwpLeosPortXcvrRxDbmPower', oid: `${WWP_XCVR}.105` }, // dBm × 10000
      { name: 'wwpLeosPortXcvrTxDbmPower', oid: `${WWP_XCVR}.106` }, // dBm × 10000
      { name: 'wwpLeosPortXcvrHighRxDbmPwAlarmThreshold', oid: `${WWP_XCVR}.109` }, // dBm × 10000
      { name: 'wwpLeosPortXcvrLowRxDbmPwAlarmThreshold', oid: `${WWP_XCVR}.110` },
    ],
  },
};

export function profileNames(): string[] {
  return Object.keys(PROFILES);
}

// The optical series family, shared by every source that reads transceivers (SNMP DOM, CLI over
// SSH, Ciena MCP PM), so one port's Rx power is one metric whichever way it was read:
//   optical_rx_dbm / optical_tx_dbm   dBm      {ifName | port, lane?, direction: rx | tx}
//   optical_laser_bias_ma             mA       {ifName | port, lane?}
//   optical_temperature_c             celsius  {ifName | port}
//   optical_voltage_v                 V        {ifName | port}
//   optical_rx_{low,high}_{alarm,warn}_dbm  dBm  the Rx series' labels: the transceiver's own limits
// `ifName` whenever the port's interface is known: the SNMP tables by ifIndex or entity mapping,
// Junos CLIs by name, and the ports other CLIs and MCP number (SAOS "9", MCP "1-2", an IOS-XR
// optics controller "0/0/0/1") through the device's interface names (port-names.ts). `port`, the
// platform's own number, only when no interface is known for it. The direction label
// is what processors/rules recognises as a receiver (isOpticalRx).
import { NO_LIGHT_DBM } from '../../devices/no-light.js';

export const OPTICAL = {
  rx: { metric: 'optical_rx_dbm', unit: 'dBm' },
  tx: { metric: 'optical_tx_dbm', unit: 'dBm' },
  laserBias: { metric: 'optical_laser_bias_ma', unit: 'mA' },
  temperature: { metric: 'optical_temperature_c', unit: 'celsius' },
  voltage: { metric: 'optical_voltage_v', unit: 'V' },
} as const;

/** The receive limits a transceiver reports, as series with the labels of the Rx reading they bound. */
export const OPTICAL_RX_THRESHOLDS = {
  lowAlarm: 'optical_rx_low_alarm_dbm',
  lowWarn: 'optical_rx_low_warn_dbm',
  highWarn: 'optical_rx_high_warn_dbm',
  highAlarm: 'optical_rx_high_alarm_dbm',
} as const;

const thresholdMetrics = new Set<string>(Object.values(OPTICAL_RX_THRESHOLDS));

/** True for a threshold series (a limit, not a reading: no rule or health component judges it). */
export function isOpticalThreshold(metric: string): boolean {
  return thresholdMetrics.has(metric);
}

/**
 * No light (0 W has no logarithm) is recorded as the receiver floor, as the CLI parsers do: a
 * finite reading the loss-of-signal rule fires on, where a missing sample would hide the outage.
 */
export const NO_LIGHT_FLOOR_DBM = NO_LIGHT_DBM;

export type PortLabel = 'ifName' | 'port';

/** Splits a "<port>:lane<N>" index (the CLI parsers' lane form) into port and lane. */
export function splitLane(index: string): { port: string; lane: string | null } {
  const m = /^(.*):lane(\d+)$/.exec(index);
  return m ? { port: m[1], lane: m[2] } : { port: index, lane: null };
}

export function portLabels(key: PortLabel, port: string, lane: string | null = null): Record<string, string> {
  return lane === null ? { [key]: port } : { [key]: port, lane };
}

export function powerLabels(key: PortLabel, port: string, lane: string | null, direction: 'rx' | 'tx'): Record<string, string> {
  return { ...portLabels(key, port, lane), direction };
}

// Junos: `show interfaces diagnostics optics` (one "Physical interface:" block per optic; QSFP
// optics carry module-wide values first, then "Lane N" blocks) and `show interfaces terse`
// (admin and link state of physical interfaces). Lane values are indexed "<ifname>:lane<N>".

import { CliParseError } from '../errors.js';
import type { ParsedValue } from '../types.js';
import { dbm, num, requireSome, value } from './common.js';

const IFACE = /^Physical interface:\s*(\S+?),?\s*$/;
const LANE = /^\s+Lane\s+(\d+)\s*$/;
const FIELD = /^\s+([A-Za-z][A-Za-z .\/-]*?)\s*:\s*(.*)$/;

// Reading lines we keep; everything else (alarm flags, thresholds) is ignored on purpose.
const READINGS: Record<string, { name: string; unit: string; read: (v: string, where: string) => number }> = {
  'Laser bias current': { name: 'laser_bias', unit: 'mA', read: (v, w) => num(v.replace(/mA$/, ''), w) },
  'Laser output power': { name: 'tx_power', unit: 'dBm', read: (v, w) => dbm(afterSlash(v, w), w) },
  'Receiver signal average optical power': { name: 'rx_power', unit: 'dBm', read: (v, w) => dbm(afterSlash(v, w), w) },
  'Laser receiver power': { name: 'rx_power', unit: 'dBm', read: (v, w) => dbm(afterSlash(v, w), w) },
  'Laser rx power': { name: 'rx_power', unit: 'dBm', read: (v, w) => dbm(afterSlash(v, w), w) },
  'Module temperature': { name: 'module_temperature', unit: 'celsius', read: (v, w) => num(v.split('degrees')[0], w) },
  'Module voltage': { name: 'module_voltage', unit: 'volts', read: (v, w) => num(v.replace(/V$/, ''), w) },
};

function afterSlash(v: string, where: string): string {
  const m = /\/\s*(-?\s*(?:Inf|[\d.]+))\s*dBm\s*$/i.exec(v);
  if (!m) throw new CliParseError(`${where}: expected "<mW> mW / <dBm> dBm", got "${v}"`);
  return m[1];
}

export function parseJunosOptics(output: string): ParsedValue[] {
  const values: ParsedValue[] = [];
  let iface: string | null = null;
  let lane: string | null = null;
  for (const line of output.split('\n')) {
    const head = IFACE.exec(line);
    if (head) {
      iface = head[1];
      lane = null;
      continue;
    }
    const laneHead = LANE.exec(line);
    if (laneHead) {
      if (!iface) throw new CliParseError(`"Lane ${laneHead[1]}" outside any "Physical interface:" block`);
      lane = laneHead[1];
      continue;
    }
    const field = FIELD.exec(line);
    if (!field) continue;
    const reading = READINGS[field[1]];
    if (!reading) continue;
    if (!iface) throw new CliParseError(`"${field[1]}" before any "Physical interface:" line`);
    const index = lane === null ? iface : `${iface}:lane${lane}`;
    values.push(value(reading.name, index, reading.unit, reading.read(field[2].trim(), `${index} ${field[1]}`)));
  }
  return requireSome(values, 'optics readings ("Physical interface:" blocks)');
}

const TERSE_ROW = /^(\S+)\s+(up|down)\s+(up|down)\b/;

/** Physical interfaces only (logical units "xe-0/0/0.0" carry no optics state of their own). */
export function parseJunosTerse(output: string): ParsedValue[] {
  const lines = output.split('\n');
  if (!lines.some((l) => /^Interface\s+Admin\s+Link/.test(l))) throw new CliParseError('missing the "Interface Admin Link" header');
  const values: ParsedValue[] = [];
  for (const line of lines) {
    const m = TERSE_ROW.exec(line);
    if (!m || m[1].includes('.')) continue;
    values.push(value('admin_up', m[1], 'bool', m[2] === 'up' ? 1 : 0), value('oper_up', m[1], 'bool', m[3] === 'up' ? 1 : 0));
  }
  return requireSome(values, 'interface rows');
}

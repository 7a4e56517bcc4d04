// Junos: `show interfaces diagnostics optics` (one "Physical interface:" block per optic; QSFP
// optics carry module-wide values first, then "Lane N" blocks) and `show interfaces terse`
// (admin and link state of physical interfaces). Lane values are indexed "<ifname>:lane<N>".
// The output comes from the device: every pattern here is linear in the line it reads, and
// reading names are looked up in a Map (a line labelled "constructor" is not a reading).

import { CliParseError } from '../errors.js';
import type { ParsedValue } from '../types.js';
import { dbm, num, requireSome, shown, value } from './common.js';

const IFACE = /^Physical interface:\s*(\S+?),?\s*$/;
const LANE = /^\s+Lane\s+(\d+)\s*$/;
const LABEL = /^[A-Za-z][A-Za-z ./-]*$/;

/**
 * "<indent><label> : <value>" split at the first colon. By hand, because the pattern it
 * replaces (a lazy label, then \s*:) rescanned the rest of the line for every character of a
 * long line without a colon: quadratic, seconds for 80 kB.
 */
function fieldOf(line: string): { label: string; value: string } | null {
  const colon = line.indexOf(':');
  if (colon < 1 || !/^\s/.test(line)) return null;
  const label = line.slice(0, colon).trim();
  return LABEL.test(label) ? { label, value: line.slice(colon + 1) } : null;
}

type Reading = { name: string; unit: string; read: (v: string, where: string) => number };

// Reading lines we keep; everything else (alarm flags, thresholds) is ignored on purpose.
const READINGS = new Map<string, Reading>([
  ['Laser bias current', { name: 'laser_bias', unit: 'mA', read: (v, w) => num(v.replace(/mA$/, ''), w) }],
  ['Laser output power', { name: 'tx_power', unit: 'dBm', read: (v, w) => dbm(afterSlash(v, w), w) }],
  ['Receiver signal average optical power', { name: 'rx_power', unit: 'dBm', read: (v, w) => dbm(afterSlash(v, w), w) }],
  ['Laser receiver power', { name: 'rx_power', unit: 'dBm', read: (v, w) => dbm(afterSlash(v, w), w) }],
  ['Laser rx power', { name: 'rx_power', unit: 'dBm', read: (v, w) => dbm(afterSlash(v, w), w) }],
  ['Module temperature', { name: 'module_temperature', unit: 'celsius', read: (v, w) => num(v.split('degrees')[0], w) }],
  ['Module voltage', { name: 'module_voltage', unit: 'volts', read: (v, w) => num(v.replace(/V$/, ''), w) }],
]);

// The sign and the number are separate groups: "\s*-?\s*" let two runs of blanks share the
// same spaces, a quadratic search on a long blank value.
const SLASH_DBM = /\/\s*(-\s*)?(Inf|[\d.]+)\s*dBm\s*$/i;

function afterSlash(v: string, where: string): string {
  const m = SLASH_DBM.exec(v);
  if (!m) throw new CliParseError(`${where}: expected "<mW> mW / <dBm> dBm", got "${shown(v)}"`);
  return (m[1] ?? '') + m[2];
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
    const field = fieldOf(line);
    const reading = field && READINGS.get(field.label);
    if (!field || !reading) continue;
    if (!iface) throw new CliParseError(`"${field.label}" before any "Physical interface:" line`);
    const index = lane === null ? iface : `${iface}:lane${lane}`;
    values.push(value(reading.name, index, reading.unit, reading.read(field.value.trim(), `${index} ${field.label}`)));
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

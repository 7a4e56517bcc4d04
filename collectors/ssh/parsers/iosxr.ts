// IOS-XR: `show controllers optics R/S/I/P`, one controller per command. Single-lane optics
// report "Laser Bias Current = …", "Actual TX Power = …", "RX Power = …"; multi-lane optics a
// lane table ("Lane  Laser Bias  TX Power  RX Power …"). Controller and laser state become
// oper_up / laser_on (1 or 0). Lane values are indexed "<R/S/I/P>:lane<N>".

import { CliParseError } from '../errors.js';
import type { ParsedValue } from '../types.js';
import { dbm, num, value } from './common.js';

const SCALARS: Array<{ re: RegExp; name: string; unit: string; dbm?: boolean }> = [
  { re: /^\s*Laser Bias Current = ([-\d.]+) mA/, name: 'laser_bias', unit: 'mA' },
  { re: /^\s*Actual TX Power = (-?\s*(?:inf|[\d.]+)) dBm/i, name: 'tx_power', unit: 'dBm', dbm: true },
  { re: /^\s*RX Power = (-?\s*(?:inf|[\d.]+)) dBm/i, name: 'rx_power', unit: 'dBm', dbm: true },
  { re: /^\s*Temperature = ([-\d.]+) Celsius/, name: 'module_temperature', unit: 'celsius' },
  { re: /^\s*Voltage = ([-\d.]+) V\b/, name: 'module_voltage', unit: 'volts' },
];
const LANE_ROW = /^\s*(\d+)\s+([-\d.]+) mA\s+(-?(?:inf|[\d.]+)) dBm\s+(-?(?:inf|[\d.]+)) dBm/i;

export function parseXrOptics(output: string, controller: string): ParsedValue[] {
  const state = /Controller State:\s*(\w+)/.exec(output);
  if (!state) throw new CliParseError('missing "Controller State:" (not a show controllers optics output)');
  const values: ParsedValue[] = [value('oper_up', controller, 'bool', /^up$/i.test(state[1]) ? 1 : 0)];
  const laser = /Laser State:\s*(\w+)/.exec(output);
  if (laser) values.push(value('laser_on', controller, 'bool', /^on$/i.test(laser[1]) ? 1 : 0));
  let inLaneTable = false;
  for (const line of output.split('\n')) {
    if (/^\s*Lane\s+Laser Bias\s+TX Power\s+RX Power/.test(line)) {
      inLaneTable = true;
      continue;
    }
    if (inLaneTable) {
      const row = LANE_ROW.exec(line);
      if (row) {
        const index = `${controller}:lane${row[1]}`;
        values.push(value('laser_bias', index, 'mA', num(row[2], index)), value('tx_power', index, 'dBm', dbm(row[3], index)), value('rx_power', index, 'dBm', dbm(row[4], index)));
        continue;
      }
      if (line.trim() !== '' && !/^\s*-+/.test(line)) inLaneTable = false;
    }
    for (const s of SCALARS) {
      const m = s.re.exec(line);
      if (m) values.push(value(s.name, controller, s.unit, s.dbm ? dbm(m[1], `${controller} ${s.name}`) : num(m[1], `${controller} ${s.name}`)));
    }
  }
  // A controller without an optic inserted still reports its state: oper_up alone is a result.
  return values;
}

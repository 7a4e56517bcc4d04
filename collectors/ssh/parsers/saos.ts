// Ciena SAOS: `port xcvr show port N diagnostics` (a "XCVR DIAGNOSTICS - Port N" table whose
// second column is the current value) and `port show` (the port table: link state per port).
// The output comes from the device: tables are read line by line, cell by cell (no pattern
// rescans a line), and row names are looked up in a Map, so a row named "constructor" or
// "__proto__" is an unknown row, not a property of Object.

import { CliParseError } from '../errors.js';
import type { ParsedValue } from '../types.js';
import { dbm, num, requireSome, value } from './common.js';

const ROWS = new Map<string, { name: string; unit: string; dbm?: boolean }>([
  ['Temp (degC)', { name: 'module_temperature', unit: 'celsius' }],
  ['Vcc (V)', { name: 'module_voltage', unit: 'volts' }],
  ['Tx Bias (mA)', { name: 'laser_bias', unit: 'mA' }],
  ['Bias (mA)', { name: 'laser_bias', unit: 'mA' }],
  ['Tx Power (dBm)', { name: 'tx_power', unit: 'dBm', dbm: true }],
  ['Rx Power (dBm)', { name: 'rx_power', unit: 'dBm', dbm: true }],
]);

const cellsOf = (line: string) => line.split('|').map((c) => c.trim());

export function parseSaosXcvrDiagnostics(output: string, port: string): ParsedValue[] {
  const title = /XCVR DIAGNOSTICS - Port (\S+)/.exec(output);
  if (!title) throw new CliParseError('missing the "XCVR DIAGNOSTICS - Port" table title');
  if (title[1] !== port) throw new CliParseError(`table is for port ${title[1]}, port ${port} was asked`);
  const values: ParsedValue[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = cellsOf(line);
    const row = ROWS.get(cells[1]);
    if (!row) continue;
    values.push(value(row.name, port, row.unit, row.dbm ? dbm(cells[2] ?? '', `port ${port} ${cells[1]}`) : num(cells[2] ?? '', `port ${port} ${cells[1]}`)));
  }
  return requireSome(values, `diagnostics rows for port ${port}`);
}

export function parseSaosPortShow(output: string): ParsedValue[] {
  const rows = output.split('\n').map(cellsOf);
  // The header: a "| Port | Port |" row (name, type) and a row with a "Link" cell.
  const hasHeader = rows.some((cells) => cells.some((c, i) => c === 'Port' && cells[i + 1] === 'Port')) && rows.some((cells) => cells.includes('Link'));
  if (!hasHeader) throw new CliParseError('missing the "Port Table" header');
  const values: ParsedValue[] = [];
  for (const cells of rows) {
    // | name | type | Link | duration | XCVR | STP | mode | neg | Link(admin) | ...
    if (cells.length < 10 || !/^(Up|Down)$/.test(cells[3]) || !/^(Ena|Dis)$/.test(cells[9])) continue;
    values.push(value('oper_up', cells[1], 'bool', cells[3] === 'Up' ? 1 : 0), value('admin_up', cells[1], 'bool', cells[9] === 'Ena' ? 1 : 0));
  }
  return requireSome(values, 'port rows');
}

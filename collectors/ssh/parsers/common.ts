// Helpers shared by the platform parsers.
import { CliParseError } from '../errors.js';
import type { ParsedValue } from '../types.js';
import { NO_LIGHT_DBM } from '../../../devices/no-light.js';

export function dbm(text: string, where: string): number {
  const t = text.replace(/\s+/g, '');
  if (/^-inf$/i.test(t)) return NO_LIGHT_DBM;
  return num(t, where);
}

export function num(text: string, where: string): number {
  const t = text.trim();
  if (!/^[-+]?\d+(\.\d+)?$/.test(t)) throw new CliParseError(`${where}: "${shown(text)}" is not a number`);
  return Number(t);
}

export function value(name: string, index: string, unit: string, v: number): ParsedValue {
  return { name, index, unit, value: v };
}

export function requireSome(values: ParsedValue[], what: string): ParsedValue[] {
  if (values.length === 0) throw new CliParseError(`no ${what} found in the output`);
  return values;
}

/** Device text quoted in an error message, cut short: the output itself is in the record. */
export function shown(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

// Reads a NAB-layout corpus: `<data>/<category>/<file>.csv` (timestamp,value) and the combined
// windows file. Timestamps are NAB's "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC; windows become
// inclusive row-index ranges so the scorer never compares timestamps again.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OpsError } from '../../common/errors.js';

export interface NabSeries {
  /** `<category>/<file>.csv`, the key NAB's label files use. */
  name: string;
  timestampsText: string[];
  timestamps: Float64Array; // ms since epoch, UTC
  values: Float64Array;
}

export interface IndexWindow {
  left: number; // first row inside the window
  right: number; // last row inside the window
}

/** NAB timestamps carry no zone; they are read as UTC so that results do not depend on the host. */
export function parseNabTime(text: string): number {
  const t = text.trim();
  const iso = t.length > 19 ? `${t.slice(0, 10)}T${t.slice(11, 23)}Z` : `${t.slice(0, 10)}T${t.slice(11)}Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new OpsError('NAB_BAD_TIMESTAMP', `NAB timestamp "${text}" cannot be parsed`);
  return ms;
}

/** Reads `timestamp,value[,anomaly_score,...]` CSV text; `column` picks a further column if wanted. */
export function readCsvColumns(text: string, columns: string[]): { timestampsText: string[]; columns: Float64Array[] } {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const picks = columns.map((c) => {
    const at = header.indexOf(c);
    if (at < 0) throw new OpsError('NAB_BAD_CSV', `CSV has no column "${c}" (header: ${lines[0]})`);
    return at;
  });
  const timestampsText: string[] = [];
  const out = columns.map(() => new Float64Array(lines.length - 1));
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r].split(',');
    timestampsText.push(cells[0]);
    for (let c = 0; c < picks.length; c++) out[c][r - 1] = Number(cells[picks[c]]);
  }
  return { timestampsText, columns: out };
}

export function readSeries(dataDir: string, name: string): NabSeries {
  const { timestampsText, columns } = readCsvColumns(readFileSync(join(dataDir, name), 'utf8'), ['value']);
  return { name, timestampsText, timestamps: Float64Array.from(timestampsText, parseNabTime), values: columns[0] };
}

/** Every `<category>/<file>.csv` under the data folder, sorted so runs are reproducible. */
export function listSeries(dataDir: string): string[] {
  const names: string[] = [];
  for (const category of readdirSync(dataDir).sort()) {
    const dir = join(dataDir, category);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) if (file.endsWith('.csv')) names.push(`${category}/${file}`);
  }
  return names;
}

export type WindowsFile = Record<string, Array<[string, string]>>;

export function readWindows(path: string): WindowsFile {
  return JSON.parse(readFileSync(path, 'utf8')) as WindowsFile;
}

/** Rows whose timestamp lies within [start, end] (inclusive) form the window. */
export function windowsToIndices(timestamps: Float64Array, windows: Array<[string, string]>): IndexWindow[] {
  const out: IndexWindow[] = [];
  for (const [startText, endText] of windows) {
    const start = parseNabTime(startText);
    const end = parseNabTime(endText);
    let left = -1;
    let right = -1;
    for (let i = 0; i < timestamps.length; i++) {
      if (timestamps[i] < start || timestamps[i] > end) continue;
      if (left < 0) left = i;
      right = i;
    }
    if (left >= 0) out.push({ left, right });
  }
  return out;
}

/** NAB's probationary period: the first 15 % of a file, at most 750 rows, is never scored. */
export function probationRows(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 750);
}

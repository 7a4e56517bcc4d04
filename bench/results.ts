// Every bench run leaves one JSON line in bench/results/<bench>.jsonl: its last line (the figures)
// with when it ran, on which code and on what machine, so bench/README.md can keep the method and
// the latest figures while the runs themselves stay data (compare, plot, grep) rather than prose.
// Commit the lines worth keeping; a run on a loaded machine says so in its `machine.load1`.

import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

export interface RunRecord {
  /** ISO 8601, UTC, to the minute. */
  date: string;
  /** The code measured: `git describe --always --dirty` of the checkout (null outside a git checkout). */
  commit: string | null;
  machine: { cpu: string; cores: number; memory_gib: number; load1: number };
  /** Free text: what was special about this run (set BENCH_NOTE). */
  note?: string;
  [figure: string]: unknown;
}

function commitOf(root: string): string | null {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty', '--abbrev=12'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** The record of a run that just printed `figures` (its last line, `bench` included). */
export function runRecord(root: string, figures: Record<string, unknown>, now = new Date(), note = process.env.BENCH_NOTE): RunRecord {
  return {
    date: now.toISOString().slice(0, 16) + 'Z',
    commit: commitOf(root),
    machine: { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30), load1: Number(loadavg()[0].toFixed(2)) },
    ...(note ? { note } : {}),
    ...figures,
  };
}

/** Appends the run to bench/results/<bench>.jsonl and returns the file's path. */
export function recordRun(root: string, bench: string, figures: Record<string, unknown>): string {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${bench}.jsonl`);
  appendFileSync(file, JSON.stringify(runRecord(root, { bench, ...figures })) + '\n');
  return file;
}

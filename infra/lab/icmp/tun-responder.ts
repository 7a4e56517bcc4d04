// Runs tun_responder.py inside a namespace and steers it over its stdin. The responder exits on
// stdin EOF, so it dies with the lab process even when that process is killed without cleanup.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpsError } from '../../../common/errors.js';
import { projectRoot } from '../../../common/project-root.js';

// The script sits beside this module (the compiled build copies it); the venv is the project's.
const SCRIPT = fileURLToPath(new URL('./tun_responder.py', import.meta.url));
const VENV_PYTHON = join(projectRoot, '.cache', 'venv', 'bin', 'python');
const REPLY_TIMEOUT_MS = 5_000;

export interface TunResponder {
  /** Delay and jitter in ms (uniform in ±jitter around delay), loss as a ratio 0..1. */
  set(delayMs: number, jitterMs: number, loss?: number): Promise<void>;
  close(): Promise<void>;
}

export function pythonForLab(): string {
  return existsSync(VENV_PYTHON) ? VENV_PYTHON : 'python3';
}

export async function startTunResponder(ns: string, ifName: string, python = pythonForLab()): Promise<TunResponder> {
  const child: ChildProcess = spawn('ip', ['netns', 'exec', ns, python, SCRIPT, ifName], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)).slice(-2_000));
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => waiting.splice(0).forEach((w) => w('exited')));

  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new OpsError('LAB_TUN_FAILED', `TUN responder in ${ns}: no answer within ${REPLY_TIMEOUT_MS} ms`)), REPLY_TIMEOUT_MS);
      waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });

  const first = await nextLine().catch((err) => {
    child.kill();
    throw err;
  });
  if (first !== 'ready') throw new OpsError('LAB_TUN_FAILED', `TUN responder in ${ns} did not start: ${stderr.trim() || first}`);

  return {
    async set(delayMs, jitterMs, loss = 0) {
      if (!(delayMs >= 0 && jitterMs >= 0 && jitterMs <= delayMs && loss >= 0 && loss <= 1))
        throw new OpsError('LAB_BAD_SCENARIO', `TUN responder: need 0 <= jitter <= delay and 0 <= loss <= 1, got delay ${delayMs} jitter ${jitterMs} loss ${loss}`);
      const answer = nextLine();
      child.stdin!.write(`set ${delayMs} ${jitterMs} ${loss}\n`);
      const line = await answer;
      if (line !== 'ok') throw new OpsError('LAB_TUN_FAILED', `TUN responder in ${ns} refused the setting: ${line}`);
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

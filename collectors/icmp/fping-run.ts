// One fping process for a batch of addresses: `fping -C count -q -p period -t timeout -i gap -f -`
// with the addresses on stdin (no argv limit however large the batch). Count mode reports every
// echo request's RTT in sending order, which is what jitter and rttsMs need; loop mode's interval
// summaries (-l -Q) carry only min/avg/max and would lose them. Exit status 1 (some targets
// unreachable) and 2 (some names unknown) are normal; 3 and 4 are fping failing as a whole.

import { spawn } from 'node:child_process';
import type { IcmpError } from './errors.js';

export interface FpingSettings {
  fpingPath: string;
  count: number; // echo requests per target per run
  periodMs: number; // between two requests to the same target
  timeoutMs: number; // wait for each reply
  gapMs: number; // between two requests to different targets (fping -i)
}

export type FpingRunResult = { ok: true; report: string; stdout: string } | { ok: false; error: IcmpError };

export function fpingArgs(s: FpingSettings): string[] {
  return ['-C', String(s.count), '-q', '-p', String(s.periodMs), '-t', String(s.timeoutMs), '-i', String(s.gapMs), '-f', '-'];
}

/** Longest a healthy run can take: every round, the last reply's wait, and slack for a busy host. */
export function runBudgetMs(s: FpingSettings, targets: number): number {
  const round = Math.max(s.periodMs, targets * s.gapMs);
  return (s.count - 1) * round + s.timeoutMs + 5_000;
}

export function runFping(s: FpingSettings, addresses: string[], signal: AbortSignal): Promise<FpingRunResult> {
  return new Promise((resolve) => {
    const child = spawn(s.fpingPath, fpingArgs(s), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (r: FpingRunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      signal.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ ok: false, error: { code: 'ICMP_FPING_FAILED', message: `fping did not finish within ${runBudgetMs(s, addresses.length)} ms` } });
    }, runBudgetMs(s, addresses.length));
    const onAbort = () => {
      child.kill('SIGKILL');
      finish({ ok: false, error: { code: 'ICMP_CANCELLED', message: 'poller closed while fping was running' } });
    };
    signal.addEventListener('abort', onAbort);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.on('error', () => {}); // fping exiting early (bad option) closes its stdin
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') finish({ ok: false, error: { code: 'ICMP_FPING_MISSING', message: `fping not found at "${s.fpingPath}" (Debian package fping)` } });
      else if (err.code === 'EACCES') finish({ ok: false, error: { code: 'ICMP_PERMISSION', message: `fping at "${s.fpingPath}" cannot be executed: ${err.message}` } });
      else finish({ ok: false, error: { code: 'ICMP_FPING_FAILED', message: `fping could not start: ${err.message}` } });
    });
    child.on('close', (code, sig) => {
      if (code !== null && code <= 2) return finish({ ok: true, report: stderr, stdout });
      const said = stderr.trim().split('\n').slice(-3).join(' | ');
      if (/permitted|permission|raw socket/i.test(said)) return finish({ ok: false, error: { code: 'ICMP_PERMISSION', message: `fping may not send ICMP (needs root or cap_net_raw): ${said}` } });
      finish({ ok: false, error: { code: 'ICMP_FPING_FAILED', message: `fping exited with ${code ?? sig}: ${said || 'no message'}` } });
    });
    child.stdin.end(addresses.join('\n') + '\n');
  });
}

// Thin wrappers over iproute2 and iptables for the ICMP lab. Every name this module creates
// carries the owning process id (`oc-icmp-<pid>-<k>`), so a later run can delete what a killed
// run left behind without ever touching a namespace some live process still owns.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { OpsError } from '../../../common/errors.js';

const run = promisify(execFile);

export const LAB_NETNS_PREFIX = 'oc-icmp-';

/** Runs a command, throwing LAB_NETNS_FAILED with its stderr when it fails. */
export async function sh(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, { timeout: 10_000 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    throw new OpsError('LAB_NETNS_FAILED', `lab network: "${command} ${args.join(' ')}" failed: ${(e.stderr || e.message || '').trim()}`);
  }
}

export async function listNamespaces(): Promise<string[]> {
  const out = await sh('ip', ['netns', 'list']);
  return out.split('\n').map((l) => l.trim().split(' ')[0]).filter(Boolean);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes lab namespaces whose owning process is gone (a run killed before its cleanup). */
export async function sweepStaleNamespaces(): Promise<string[]> {
  const swept: string[] = [];
  for (const ns of await listNamespaces()) {
    const m = new RegExp(`^${LAB_NETNS_PREFIX}(\\d+)-\\d+$`).exec(ns);
    if (!m || pidAlive(Number(m[1]))) continue;
    await deleteNamespace(ns);
    swept.push(ns);
  }
  return swept;
}

/** Deleting a namespace also destroys its veth pair (and with it the root-side routes) and its rules. */
export async function deleteNamespace(ns: string): Promise<void> {
  try {
    await sh('ip', ['netns', 'del', ns]);
  } catch {
    // already gone
  }
}

export async function linkExists(name: string): Promise<boolean> {
  try {
    await sh('ip', ['link', 'show', name]);
    return true;
  } catch {
    return false;
  }
}

export async function routeExists(prefix: string): Promise<boolean> {
  return (await sh('ip', ['route', 'show', prefix])).trim() !== '';
}

export function inNamespace(ns: string, command: string, args: string[]): Promise<string> {
  return sh('ip', ['netns', 'exec', ns, command, ...args]);
}

/**
 * Replaces the namespace's random drop of echo requests arriving on `iface` (both those for the
 * namespace itself and those it forwards to the TUN responder): the raw table's PREROUTING sees
 * them all. Only the lab writes to this table inside its own namespace, so a flush is safe.
 */
export async function setNamespaceLoss(ns: string, iface: string, ratio: number): Promise<void> {
  if (!(ratio >= 0 && ratio <= 1)) throw new OpsError('LAB_BAD_SCENARIO', `loss ratio must be within 0..1, got ${ratio}`);
  await inNamespace(ns, 'iptables', ['-t', 'raw', '-F', 'PREROUTING']);
  if (ratio === 0) return;
  const match = ratio >= 1 ? [] : ['-m', 'statistic', '--mode', 'random', '--probability', ratio.toFixed(4)];
  await inNamespace(ns, 'iptables', ['-t', 'raw', '-A', 'PREROUTING', '-i', iface, '-p', 'icmp', '--icmp-type', 'echo-request', ...match, '-j', 'DROP']);
}

// A .cpuprofile (node --cpu-prof) summed per function and per part of the stack: self ms (the
// function itself was on top) and inclusive ms (it was anywhere on the stack), each function
// counted once per sample however deep its recursion.

import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[]; // µs
}

export interface ProfileEntry {
  name: string;
  selfMs: number;
  inclusiveMs: number;
}

/** Which part of the process a frame belongs to, from its script. */
export function partOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)' || functionName === '(root)') return 'program';
  if (url.includes('/net-snmp/')) return 'net-snmp (encode/decode)';
  if (url.includes('/asn1-ber/')) return 'net-snmp (encode/decode)';
  if (url.includes('/avsc/')) return 'avro encode';
  if (url.includes('/@confluentinc/') || url.includes('/@kafkajs/')) return 'produce (kafka client)';
  if (url.includes('/prom-client/')) return 'metrics (prom-client)';
  if (url.includes('/tsx/') || url.includes('/esbuild/')) return 'tsx loader';
  if (url.includes('node_modules/')) return `other package (${url.split('node_modules/').pop()!.split('/')[0]})`;
  if (url.startsWith('node:internal/timers') || url.startsWith('node:timers')) return 'timers';
  if (url.startsWith('node:internal/dgram') || url.startsWith('node:dgram')) return 'udp sockets';
  if (url.startsWith('node:') || url === '') return 'node internals / native';
  return 'ours';
}

function label(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules\/)/, '$1').replace(/^.*\/(collectors|common|streams|schemas|infra|bin)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

export function summarize(file: string): { totalMs: number; functions: ProfileEntry[]; parts: ProfileEntry[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const fn = new Map<string, ProfileEntry>();
  const part = new Map<string, ProfileEntry>();
  const entry = (m: Map<string, ProfileEntry>, name: string) => m.get(name) ?? m.set(name, { name, selfMs: 0, inclusiveMs: 0 }).get(name)!;
  let totalMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const top = byId.get(profile.samples[i])!;
    if (top.callFrame.functionName === '(idle)') continue; // not CPU
    totalMs += ms;
    entry(fn, label(top)).selfMs += ms;
    entry(part, partOf(top.callFrame.url, top.callFrame.functionName)).selfMs += ms;
    const seenFn = new Set<string>();
    const seenPart = new Set<string>();
    for (let id: number | undefined = top.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      const f = label(n);
      const p = partOf(n.callFrame.url, n.callFrame.functionName);
      if (!seenFn.has(f)) {
        seenFn.add(f);
        entry(fn, f).inclusiveMs += ms;
      }
      if (!seenPart.has(p)) {
        seenPart.add(p);
        entry(part, p).inclusiveMs += ms;
      }
    }
  }
  const bySelf = (a: ProfileEntry, b: ProfileEntry) => b.selfMs - a.selfMs;
  return { totalMs, functions: [...fn.values()].sort(bySelf), parts: [...part.values()].sort(bySelf) };
}

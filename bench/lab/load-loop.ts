// The load the lab bench offers, in a process of its own (the agent under test keeps its core):
// `concurrency` polls always in flight, each the next (device, profile) of the list in turn, with
// our poller, until durationMs has passed; then one JSON line { polls, errors, wallSeconds, cpuSeconds }.
// argv[2]: a JSON file { targets: Array<SnmpV2cTarget & { profiles: string[] }>, concurrency, durationMs }

import { readFileSync } from 'node:fs';
import { createLogger } from '../../common/log.js';
import { createSnmpPoller } from '../../collectors/snmp/poller.js';
import type { SnmpV2cTarget } from '../../collectors/snmp/types.js';

const { targets, concurrency, durationMs } = JSON.parse(readFileSync(process.argv[2], 'utf8')) as { targets: Array<SnmpV2cTarget & { profiles: string[] }>; concurrency: number; durationMs: number };
const poller = createSnmpPoller({ timeoutMs: 2_000, retries: 0, maxRepetitions: 25, collectorId: 'bench-lab', logger: createLogger({ bench: 'lab' }, 'error') });
const work = targets.flatMap((t) => t.profiles.map((profile) => ({ target: t, profile })));
let next = 0;
let polls = 0;
let errors = 0;
const firstError: string[] = [];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const end = t0 + durationMs;
async function worker(): Promise<void> {
  while (performance.now() < end) {
    const { target, profile } = work[next++ % work.length];
    const r = await poller.poll(target, profile);
    polls++;
    if (r.error) {
      errors++;
      if (firstError.length === 0) firstError.push(`${r.error.code}: ${r.error.message}`);
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const wallSeconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
poller.close();
process.stdout.write(JSON.stringify({ polls, errors, firstError: firstError[0] ?? null, wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 }) + '\n');

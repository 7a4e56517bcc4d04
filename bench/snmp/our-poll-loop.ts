// The poll loop the SNMP bench measures, in a process of its own so that its CPU time is ours
// alone: every interval it polls the interfaces profile of every target, each at its own offset in
// the interval (as the collector schedules devices),
// then prints { varbinds, polls, errors, cpuSeconds, wallSeconds } as one JSON line.
// argv[2]: a JSON file { targets: SnmpV2cTarget[], intervalMs, durationMs, maxRepetitions }

import { readFileSync } from 'node:fs';
import { createLogger } from '../../common/log.js';
import { createSnmpPoller } from '../../collectors/snmp/poller.js';
import type { SnmpV2cTarget } from '../../collectors/snmp/types.js';

const { targets, intervalMs, durationMs, maxRepetitions } = JSON.parse(readFileSync(process.argv[2], 'utf8')) as { targets: SnmpV2cTarget[]; intervalMs: number; durationMs: number; maxRepetitions: number };
const poller = createSnmpPoller({ timeoutMs: 5_000, retries: 0, maxRepetitions, collectorId: 'bench', logger: createLogger({ bench: 'snmp' }, 'error') });
let varbinds = 0;
let polls = 0;
let errors = 0;
await Promise.all(targets.map((t) => poller.poll(t, 'interfaces'))); // warm-up, as for the peer: sessions, JIT
const spread = (roundStart: number, i: number) => new Promise((r) => setTimeout(r, Math.max(0, roundStart + (i * intervalMs) / targets.length - performance.now())));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let round = 0; round * intervalMs < durationMs; round++) {
  const due = t0 + round * intervalMs;
  await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  // each target at its own offset in the interval, as the collector's scheduler spreads devices
  const readings = await Promise.all(targets.map((t, i) => spread(due, i).then(() => poller.poll(t, 'interfaces'))));
  for (const r of readings) {
    polls++;
    if (r.error) errors++;
    varbinds += r.values.length + (r.sysUpTime === null ? 0 : 1);
  }
}
const wallSeconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
poller.close();
process.stdout.write(JSON.stringify({ varbinds, polls, errors, cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds }) + '\n');

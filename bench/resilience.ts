// Resilience under load and faults on the three-broker cluster profile (replication factor 3,
// min.insync.replicas 2, acks=all): every fault of the suite, one after another, with exact
// accounting per fault window; collectors scaled 1 → 3 → 1 over a big lab; end-to-end latency at
// stepped synthetic load. Options (after `npm run bench -- resilience`):
//   --devices N        lab devices of the scaling run (default 2000)
//   --interval MS      poll interval of the scaling run (default 30000)
//   --rates a,b,c      synthetic load steps, polls/s (default 25,50,100,200,400,800)
//   --faults a,b|none  faults of the first run (default: all of test/resilience/faults.ts)
//   --skip-scaling / --skip-faults (the whole first run: faults and load)
//   --only scaling|faults  one of the two; --only scaling ends with issue 21's line
//                      {"bench":"scaling","devices":…,"lost":…,"duplicates":…,"double_polls":…,"max_gap_ms":…,"gap_limit_ms":…}
// The cluster profile is started here (or reused when another process holds it); the test
// profile the bench runner brings up is not used.
import { createLogger } from '../common/log.js';
import { projectRoot } from '../infra/supervisor.js';
import { startStack } from '../infra/stack.js';
import { FAULTS } from '../test/resilience/faults.js';
import { runSuite, type FaultResult, type SuiteResult } from '../test/resilience/suite.js';
import type { BenchContext } from './run.js';

const DEFAULTS = {
  scalingDevices: 2_000,
  scalingIntervalMs: 30_000,
  rates: [25, 50, 100, 200, 400, 800], // synthetic polls/s, 4 interfaces each (13 samples a poll)
  stepMs: 20_000,
};

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const devices = Number(option(ctx.args, 'devices') ?? DEFAULTS.scalingDevices);
  const interval = Number(option(ctx.args, 'interval') ?? DEFAULTS.scalingIntervalMs);
  const faultList = option(ctx.args, 'faults');
  const chosen = faultList === undefined ? [...FAULTS] : faultList === 'none' ? [] : (faultList.split(',') as typeof FAULTS[number][]);
  const rates = (option(ctx.args, 'rates') ?? DEFAULTS.rates.join(',')).split(',').map(Number);
  const only = option(ctx.args, 'only');
  if (only !== undefined && only !== 'scaling' && only !== 'faults') throw new Error(`--only ${only}: say scaling or faults`);
  const runFaults = only === undefined ? !ctx.args.includes('--skip-faults') : only === 'faults';
  const runScaling = only === undefined ? !ctx.args.includes('--skip-scaling') : only === 'scaling';
  const stack = await startStack({ root: projectRoot, profile: 'cluster', brokers: 3, logger: createLogger({ role: 'bench' }, 'warn') });
  const started = Date.now();
  const runs: SuiteResult[] = [];
  try {
    if (runFaults) {
      ctx.say(`== faults (${chosen.join(', ') || 'none'}), then load steps ${rates.join(', ')} polls/s`);
      runs.push(
        await runSuite({
          endpoints: stack.endpoints,
          ownsStack: false, // services a fault restarted serve the next run; stack.stop() below stops them too
          faults: chosen,
          labDevices: 8,
          pollIntervalMs: 2_000,
          serviceDownMs: 10_000,
          settleMs: 6_000,
          recoverTimeoutMs: 120_000,
          warmupMs: 20_000,
          loadSteps: rates.map((ratePerS) => ({ ratePerS, durationMs: DEFAULTS.stepMs })),
          drainTimeoutMs: 900_000,
          say: ctx.say,
        }),
      );
    }
    if (runScaling) {
      ctx.say(`== collectors 1 → 3 → 1 over ${devices} devices every ${interval} ms`);
      runs.push(
        await runSuite({
          endpoints: stack.endpoints,
          ownsStack: false, // services a fault restarted serve the next run; stack.stop() below stops them too
          faults: [],
          labDevices: devices,
          pollIntervalMs: interval,
          serviceDownMs: 0,
          settleMs: 0,
          recoverTimeoutMs: 0,
          warmupMs: 2 * interval,
          // the in-process agent: one snmpsim serves ~32 of the ~200 polls/s 2,000 devices need
          labEnv: { LAB_SNMP_AGENT: 'node', LAB_INTERFACES: '1', LAB_SSH: 'false', LAB_RECORDED_WALKS: '' },
          collectorEnv: { ICMP_ENABLED: 'false' },
          scaling: { holdMs: 2 * interval, settleTimeoutMs: 6 * interval },
          drainTimeoutMs: 900_000,
          say: ctx.say,
        }),
      );
    }
  } finally {
    await stack.stop();
  }
  const faults: FaultResult[] = runs.flatMap((r) => r.faults);
  ctx.say('\nfault | lost | duplicates | recover ms | max gap ms | readings | note');
  for (const f of faults) ctx.say(`${f.fault} | ${f.lost} | ${f.duplicates} | ${f.recover_ms ?? 'never'} | ${f.max_gap_ms} | ${f.readings} | ${f.note}`);
  for (const r of runs) ctx.say(`accounting: ${JSON.stringify(r.total)}; anomalies ${JSON.stringify(r.anomalies)}; steady ${JSON.stringify(r.steady)}; e2e ${JSON.stringify(r.e2e)}; during faults ${JSON.stringify(r.e2e_faults)}`);
  const load = runs[0]?.load ?? [];
  for (const s of load) ctx.say(`load ${JSON.stringify(s)}`);
  const sustained = load.filter((s) => s.sustained).at(-1);
  const scaling = runs.find((r) => r.scaling)?.scaling;
  if (scaling) ctx.say(`scaling ${JSON.stringify(scaling)}`);
  const lagMax: Record<string, number> = {};
  for (const r of runs) for (const s of r.lag) for (const [g, v] of Object.entries(s.lag)) lagMax[g] = Math.max(lagMax[g] ?? 0, v);
  // Everything measured, on one line of its own; the bench's last line carries the four headline keys.
  ctx.say(
    JSON.stringify({
      minutes: Math.round((Date.now() - started) / 6_000) / 10,
      fault_results: faults,
      sustained_polls_s: sustained?.produced_s ?? null,
      sustained_samples_s: sustained?.rows_s ?? null,
      load_e2e: sustained?.e2e ?? null,
      lab_e2e: runs[0]?.e2e ?? null,
      max_lag: lagMax,
      scaling,
    }),
  );
  if (only === 'scaling') {
    const total = runs[0]?.total;
    return {
      bench: 'scaling',
      devices,
      lost: total?.lost ?? null,
      duplicates: total?.duplicates ?? null,
      double_polls: scaling?.double_polls_outside_rebalance ?? null,
      max_gap_ms: scaling?.max_moved_gap_ms ?? null,
      gap_limit_ms: scaling?.limit_ms ?? null,
      settle_out_ms: scaling?.settle_out_ms ?? null,
      settle_in_ms: scaling?.settle_in_ms ?? null,
    };
  }
  return {
    lost: runs.reduce((n, r) => n + r.total.lost, 0),
    duplicates: runs.reduce((n, r) => n + r.total.duplicates, 0),
    faults: faults.length,
    e2e_p99_ms: sustained?.e2e.p99 ?? runs[0]?.e2e.p99 ?? null,
    // The slowest fault's time to fresh data on the wall after its repair (null: one never recovered).
    max_recover_ms: faults.length === 0 ? null : faults.some((f) => f.recover_ms === null || f.recover_ms === undefined) ? null : Math.max(...faults.map((f) => f.recover_ms as number)),
  };
}

// The short form of the resilience suite (`npm run bench -- resilience` runs the full one): the
// pipeline on the three-broker cluster, the partition leader killed with SIGKILL and restarted,
// the processor and the sink killed with SIGKILL and restarted, and every reading accounted for:
// none lost, none twice, the injected optical drop opened once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../common/log.js';
import { projectRoot } from '../../infra/supervisor.js';
import { killProfileServices, startStack } from '../../infra/stack.js';
import { runSuite } from './suite.js';

// node:test's timeout would fail the test and run its after-hooks (stopping the cluster) while
// the suite still runs against it: its Kafka clients then retry brokers that are gone for ever and
// the process never exits (a fresh-clone CI run hung so). So the suite stops the stack itself when
// it is done, and past a hard deadline the process kills the roles (the suite's exit hook) and the
// cluster it started, and exits: `npm test` reports the file failed and goes on.
const HARD_DEADLINE_MS = 540_000;

test('no reading lost or duplicated when the partition leader, the processor and the sink crash', { timeout: HARD_DEADLINE_MS + 60_000 }, async (t) => {
  const stack = await startStack({ root: projectRoot, profile: 'cluster', brokers: 3, logger: createLogger({ test: 'resilience' }, 'warn') });
  const watchdog = setTimeout(() => {
    const killed = stack.reused ? [] : killProfileServices(projectRoot, 'cluster');
    process.stderr.write(`resilience: hard deadline of ${HARD_DEADLINE_MS} ms passed; killed the cluster (pids ${killed.join(' ') || 'none'}) and exiting\n`);
    process.exit(1);
  }, HARD_DEADLINE_MS);
  watchdog.unref(); // never what keeps the process alive
  let result: Awaited<ReturnType<typeof runSuite>>;
  try {
    result = await runSuite({
      endpoints: stack.endpoints,
      ownsStack: !stack.reused,
      faults: ['broker-leader', 'processor', 'sink'],
      labDevices: 4,
      pollIntervalMs: 2_000,
      serviceDownMs: 5_000,
      settleMs: 4_000,
      recoverTimeoutMs: 60_000,
      warmupMs: 18_000,
      sessionTimeoutMs: 10_000, // a crashed processor's partitions move after this (the roles' default is 30 s)
      say: (m) => t.diagnostic(m),
    });
  } finally {
    await stack.stop();
    clearTimeout(watchdog);
  }
  t.diagnostic(JSON.stringify({ total: result.total, reference: result.reference, faults: result.faults, anomalies: result.anomalies, steady: result.steady, e2e: result.e2e, e2e_faults: result.e2e_faults, stages: result.stage_delays, anomaly_events: result.anomaly_events }));
  assert.equal(result.durability.replicas, 3, 'topics have three replicas');
  assert.equal(result.durability.minInsync, '2', 'min.insync.replicas is 2');
  assert.ok(result.total.readings > 50, `only ${result.total.readings} readings: the lab did not poll`);
  assert.equal(result.total.lost, 0, 'no reading lost');
  assert.equal(result.total.duplicates, 0, 'no reading twice');
  assert.equal(result.total.rows, result.total.samples, 'one row per derived sample');
  for (const f of result.faults) {
    assert.equal(f.lost, 0, `${f.fault}: lost`);
    assert.equal(f.duplicates, 0, `${f.fault}: duplicates`);
    assert.notEqual(f.recover_ms, null, `${f.fault}: fresh data on the wall after the repair`);
  }
  assert.equal(result.anomalies.opened, result.anomalies.injected, 'the optical drop opened one anomaly');
});

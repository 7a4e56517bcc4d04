// The resilience suite: the whole pipeline on the three-broker cluster (replication factor 3,
// min.insync.replicas 2, acks=all), the lab polled at a fixed interval, an optical drop injected,
// then one fault after another. When the faults are done the collectors stop, the pipeline drains,
// and the ledger accounts for every reading, per fault window (by event time).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createTestDatabase } from '../pg-db.js';
import type { Logger } from '../../common/log.js';
import { startPipeline, type Pipeline } from '../../infra/pipeline.js';
import { projectRoot } from '../../infra/supervisor.js';
import { connectStreams, type Streams } from '../../streams/index.js';
import { ClusterServices } from './cluster-services.js';
import { KafkaWatch, type LagSample } from './kafka-watch.js';
import { Ledger, type Accounting } from './ledger.js';
import { WallClient } from './wall-client.js';
import { makeFault, type FaultName } from './faults.js';
import { runLoad, type LoadStep } from './load.js';
import { runScaling, type ScalingResult } from './scaling.js';

export interface ClusterEndpoints {
  kafkaBrokers: string[];
  databaseUrl: string;
  redisUrl: string;
}

export interface SuiteOptions {
  endpoints: ClusterEndpoints;
  /** True when this process owns the cluster stack: restarted services are stopped at the end. */
  ownsStack: boolean;
  faults: FaultName[];
  labDevices: number;
  pollIntervalMs: number;
  serviceDownMs: number; // how long a stopped service stays down
  settleMs: number; // observation after a fault's recovery
  recoverTimeoutMs: number;
  warmupMs: number;
  /** How long the pipeline may take to work off its backlog after the collectors stop. */
  drainTimeoutMs?: number;
  /** PROCESSOR_SESSION_TIMEOUT_MS / SINK_SESSION_TIMEOUT_MS (default: the roles' own, 30 s). */
  sessionTimeoutMs?: number;
  /** Extra lab and collector settings (a big lab: LAB_INTERFACES=1, LAB_SSH=false, ICMP_ENABLED=false). */
  labEnv?: Record<string, string>;
  collectorEnv?: Record<string, string>;
  /** Collectors scaled 1 → 3 → 1 after the faults (collector-scaling check). */
  scaling?: { holdMs: number; settleTimeoutMs: number };
  /** Synthetic load after the faults, step by step until the pipeline falls behind. */
  loadSteps?: { ratePerS: number; durationMs: number }[];
  say(msg: string): void;
}


export const SUITE_DEFAULTS = {
  sessionTimeoutMs: 6_000, // collectors' group (the lower bound the collector accepts)
  drainQuietMs: 8_000, // counts unchanged this long after the collectors stop: drained
  drainTimeoutMs: 180_000,
  lagEveryMs: 2_000,
  /** Processor lag under which it counts as caught up: this many seconds of the lab's input (a
   * transaction on the loaded cluster takes 1–2 s), and never less than caughtUpLag records. */
  caughtUpSeconds: 4,
  caughtUpLag: 20,
  caughtUpTimeoutMs: 90_000,
  cleanupStepMs: 45_000,
};

export interface FaultResult {
  fault: string;
  lost: number;
  duplicates: number;
  recover_ms: number | null;
  max_gap_ms: number;
  readings: number;
  rows: number;
  note: string;
}

export interface SuiteResult {
  durability: { replicas: number; minInsync: string };
  total: Accounting;
  /** What the live readers missed (added from the kcat read) or saw in excess (phantoms). */
  reference: { added: number; phantoms: number; phantom_examples: string[] };
  faults: FaultResult[];
  anomalies: { injected: number; opened: number };
  /** Lab readings to the wall with nothing broken, and over the fault phases. */
  e2e: { n: number; p50: number; p99: number; max: number };
  e2e_faults: { n: number; p50: number; p99: number; max: number };
  /** Where the steady latency goes: reading → raw topic, reading → metrics topic (medians). */
  stage_delays: { raw_p50: number; metrics_p50: number };
  anomaly_events: string[];
  lag: LagSample[];
  steady: { caught_up_ms: number | null; readings_s: number; rows_s: number };
  load: LoadStep[];
  scaling?: ScalingResult;
}

/** The suite's own Kafka clients log nothing: their reconnect errors during a broker fault are expected. */
const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quietLogger };

/** A pg pool survives the PostgreSQL restart fault (a client would stay broken). */
const pool = (url: string) => {
  const p = new pg.Pool({ connectionString: url, max: 2 });
  p.on('error', () => undefined);
  return p;
};

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await Promise.resolve(check()).catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`resilience: timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function runSuite(o: SuiteOptions): Promise<SuiteResult> {
  const logger = quietLogger;
  const id = randomBytes(3).toString('hex');
  const prefix = `res-${id}.`;
  const runDir = mkdtempSync(join(tmpdir(), 'oc-resilience-'));
  const jwtSecret = randomBytes(32).toString('base64url');
  const db = await createTestDatabase(`resilience_${id}`, o.endpoints.databaseUrl);
  const sql = pool(db.url);
  // Kafka group ids get the topic prefix from streams/; the sink's offsets table holds its bare group id.
  const groups = { processor: `${prefix}processors`, sink: 'sink-timescale' };
  const cleanups: Array<() => Promise<unknown>> = [async () => sql.end(), () => db.drop()];
  let keepEvidence = false; // a run that lost or doubled something keeps its logs and topics
  // Each step is bounded: a Kafka client that cannot close (its brokers gone) must not hold up
  // the steps after it, least of all the stop of the services.
  const cleanup = async () => {
    for (const c of cleanups.reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`a step took over ${SUITE_DEFAULTS.cleanupStepMs} ms; going on`)), SUITE_DEFAULTS.cleanupStepMs)));
      await Promise.race([c(), timeout])
        .catch((err) => o.say(`cleanup: ${(err as Error).message}`))
        .finally(() => clearTimeout(timer));
    }
  };
  try {
    // Lifecycle closes after two quiet polls so the optical anomaly can open and close within the run.
    const analysisFile = join(runDir, 'analysis.yaml');
    writeFileSync(analysisFile, 'lifecycle:\n  closeQuietPolls: 2\n  closeQuietMs: 5000\n');
    o.say(`starting the pipeline on the cluster (prefix ${prefix}, ${o.labDevices} lab devices, every ${o.pollIntervalMs} ms)`);
    const pipeline: Pipeline = await startPipeline({
      endpoints: { ...o.endpoints, databaseUrl: db.url },
      runDir,
      jwtSecret,
      topicPrefix: prefix,
      replicationFactor: 3,
      labDevices: o.labDevices,
      labIcmpPaths: o.faults.includes('network') ? 1 : 0,
      labEnv: { LAB_MCP: 'false', ...o.labEnv },
      pollIntervalMs: o.pollIntervalMs,
      processorEnv: { ANALYSIS_CONFIG_FILE: analysisFile, LOG_LEVEL: 'info', ...(o.sessionTimeoutMs ? { PROCESSOR_SESSION_TIMEOUT_MS: String(o.sessionTimeoutMs) } : {}) },
      sinkEnv: o.sessionTimeoutMs ? { SINK_SESSION_TIMEOUT_MS: String(o.sessionTimeoutMs) } : {},
      collectorEnv: { COLLECTOR_SESSION_TIMEOUT_MS: String(SUITE_DEFAULTS.sessionTimeoutMs), ...o.collectorEnv },
      log: (m) => o.say(m),
    });
    cleanups.push(() => pipeline.stop());
    // A crash of this process must not leave the roles running (they are not in its process group).
    const killRoles = () => {
      for (const p of pipeline.roles.values()) p.child.kill('SIGKILL');
    };
    process.on('exit', killRoles);
    cleanups.push(async () => process.off('exit', killRoles));
    const streams: Streams = await connectStreams({
      config: { kafkaBrokers: o.endpoints.kafkaBrokers, schemaRegistryUrl: pipeline.registryUrl, partitions: 6, replicationFactor: 3, topicPrefix: prefix, compression: 'snappy' },
      clientId: 'resilience-ledger',
      logger,
      writes: o.loadSteps?.length ? ['rawSnmp'] : [], // the synthetic load is produced through these streams
    });
    cleanups.push(() => streams.close());
    // The run's topics go when it is done, once the roles are stopped (cleanups run in reverse;
    // a second stop of the pipeline is a no-op): a broker restarted by a later run recovers every
    // log on its disks, and leftovers of earlier runs made that take a minute.
    cleanups.push(async () => {
      await pipeline.stop();
      if (!keepEvidence) await streams.admin.deleteTopics(Object.values(streams.topics));
    });
    const ledger = new Ledger(streams);
    await ledger.start();
    cleanups.push(() => ledger.stop());
    const watch = await KafkaWatch.connect(o.endpoints.kafkaBrokers, logger);
    cleanups.push(() => watch.close());
    const services = new ClusterServices(projectRoot, o.endpoints);
    // Last of all (cleanups run in reverse): the roles and clients are gone before a broker stops.
    if (o.ownsStack) cleanups.unshift(() => services.stopReplacements());
    const durability = await watch.durability(streams.topics.metrics);

    const lag: LagSample[] = [];
    let sampling = true;
    const sampler = (async () => {
      const raws = [streams.topics.rawSnmp, streams.topics.rawIcmp, streams.topics.rawSsh];
      while (sampling) {
        const sample: LagSample = { at: Date.now(), lag: {} };
        sample.lag.processor = await watch.groupLag(groups.processor, raws).catch(() => -1);
        sample.lag.sink = await watch.sinkLag(sql, groups.sink, streams.topics.metrics).catch(() => -1);
        lag.push(sample);
        await sleep(SUITE_DEFAULTS.lagEveryMs);
      }
    })();
    cleanups.push(async () => {
      sampling = false;
      await sampler;
    });

    // Warm up: rates need two polls, the optical rule three SSH readings.
    const warmStart = Date.now();
    await sleep(o.warmupMs);
    const seriesIds = await until(
      'series in PostgreSQL for the wall',
      async () => {
        const { rows } = await sql.query<{ id: string }>(
          // One series a device, an interface rate where there is one (those need two polls).
          `SELECT DISTINCT ON (device_id) series_id::text AS id FROM series ORDER BY device_id, (metric = 'if_in_bps') DESC, metric, series_key LIMIT 2000`,
        );
        return rows.length > 0 ? rows.map((r) => r.id) : undefined;
      },
      60_000 + 3 * o.pollIntervalMs,
      1_000,
    );
    const wall = new WallClient(pipeline.apiUrl, jwtSecret);
    cleanups.push(() => wall.close());
    wall.subscribe(seriesIds);
    await until('a first live point on the wall', () => (wall.points.length > 0 ? true : undefined), 60_000 + 2 * o.pollIntervalMs).catch((err) => {
      if (o.faults.length > 0) throw err; // the faults are measured on the wall
      o.say(`no live point on the wall yet: ${(err as Error).message}`);
    });
    // The steady figures are taken once the processor has worked off its start-up backlog (group
    // join, changelog restore, the readings polled meanwhile): measured from the first live point,
    // they reported the catch-up (p50 11–16 s), not the pipeline's latency.
    const caughtUpFrom = Date.now();
    const rawAtCaughtUpFrom = ledger.raw.size;
    const caughtUp = await until(
      'the processor caught up with its start-up backlog',
      () => {
        // A transaction in flight holds what arrived meanwhile: the lag of a processor that keeps
        // up is a few seconds of input, whatever the rate.
        const perS = ((ledger.raw.size - rawAtCaughtUpFrom) * 1000) / Math.max(1, Date.now() - caughtUpFrom);
        const limit = Math.max(SUITE_DEFAULTS.caughtUpLag, SUITE_DEFAULTS.caughtUpSeconds * perS);
        const recent = lag.slice(-2);
        return recent.length === 2 && recent[0].at >= caughtUpFrom && recent.every((x) => (x.lag.processor ?? -1) >= 0 && (x.lag.processor ?? 0) <= limit) ? true : undefined;
      },
      SUITE_DEFAULTS.caughtUpTimeoutMs,
      500,
    ).catch(() => false);
    const caughtUpMs = Date.now() - caughtUpFrom;
    o.say(caughtUp ? `processor caught up ${caughtUpMs} ms after the first live point` : `processor still behind ${caughtUpMs} ms after the first live point; the steady window starts anyway`);
    const steadyFrom = Date.now();
    const rawAtSteady = ledger.raw.size;
    const rowsAt = async () => Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM metric_points')).rows[0].n);
    const rowsAtSteady = await rowsAt();
    await sleep(3 * o.pollIntervalMs);
    const e2e = wall.latency(steadyFrom, Date.now());
    const stageDelays = ledger.stageDelays(steadyFrom, Date.now());
    const steadyS = (Date.now() - steadyFrom) / 1000;
    const steady = { caught_up_ms: caughtUp ? caughtUpMs : null, readings_s: Math.round((ledger.raw.size - rawAtSteady) / steadyS), rows_s: Math.round(((await rowsAt()) - rowsAtSteady) / steadyS) };
    o.say(`warm after ${Date.now() - warmStart} ms: ${seriesIds.length} series on the wall, ${steady.readings_s} readings/s, ${steady.rows_s} rows/s`);

    // The optical drop: one SSH port degraded below the receiver's sensitivity for the whole run.
    const protocols = (await (await fetch(`${pipeline.labUrl}/protocols`)).json()) as { ssh?: { deviceId: string; ports: string[]; interfaces?: (string | null)[] }[]; icmp?: { path: string }[] };
    const drop = protocols.ssh?.[0] ? { deviceId: protocols.ssh[0].deviceId, port: protocols.ssh[0].ports[0] } : undefined;
    // The series label of the dropped port: its interface name (SNMP and SSH read one series),
    // the CLI's own port name only where the lab names no interface.
    const dropLabel = drop ? (protocols.ssh?.[0]?.interfaces?.[0] ? `ifName=${protocols.ssh[0].interfaces[0]}` : `port=${drop.port}`) : undefined;
    if (drop) {
      const res = await fetch(`${pipeline.labUrl}/scenarios/ssh`, { method: 'POST', body: JSON.stringify({ ...drop, degradeDb: 14 }) });
      if (!res.ok) throw new Error(`lab ssh scenario answered ${res.status}`);
    }

    const ctx = { pipeline, services, watch, leaderTopic: streams.topics.metrics, processorGroup: groups.processor, icmpPath: protocols.icmp?.[0]?.path, say: o.say };
    const icmpDevice = ctx.icmpPath ? ((await (await fetch(`${pipeline.labUrl}/devices`)).json()) as { deviceId: string }[])[0]?.deviceId : undefined;
    const windows: { fault: string; from: number; to: number; recover_ms: number | null; max_gap_ms: number; note: string }[] = [];
    const allTopics = Object.values(streams.topics).filter((t) => !t.endsWith('_schemas'));
    for (const name of o.faults) {
      const fault = makeFault(name, ctx, o.serviceDownMs);
      // Each fault starts on a healthy wall, so a stall of the one before is not counted again.
      const stale = await until('every wall series fresh', () => (wall.stale(seriesIds, 3 * o.pollIntervalMs) === 0 ? 0 : undefined), o.recoverTimeoutMs).catch(() => wall.stale(seriesIds, 3 * o.pollIntervalMs));
      if (stale > 0) o.say(`fault ${name}: starting with ${stale} of ${seriesIds.length} series stale on the wall`);
      const from = Date.now();
      await sleep(o.pollIntervalMs);
      const what = await fault.inject();
      o.say(`fault ${name}: ${what}`);
      if (fault.downMs > 0) await sleep(fault.downMs);
      const repairAt = Date.now();
      await fault.repair();
      // Fresh data on the wall: a point read after the repair began (for the network cut, an
      // answered ping of the device behind the namespace).
      const freshAt = await until(
        `fresh data after the ${name} fault`,
        () => {
          if (name !== 'network') return wall.firstFreshAfter(repairAt);
          return [...ledger.raw.values()].find((e) => e.deviceId === icmpDevice && e.profile === 'icmp' && e.ok && e.ts >= repairAt)?.seenAt;
        },
        o.recoverTimeoutMs,
      ).catch(() => undefined);
      await sleep(o.settleMs);
      if (name.startsWith('broker')) await watch.waitInSync(allTopics, 120_000);
      const to = Date.now();
      let gap = wall.maxGap(from, to);
      if (name === 'network') {
        const answered = [...ledger.raw.values()].filter((e) => e.deviceId === icmpDevice && e.profile === 'icmp' && e.ok && e.ts >= from && e.ts < to).map((e) => e.ts).sort((a, b) => a - b);
        gap = Math.max(0, ...answered.slice(1).map((t, i) => t - answered[i]));
      }
      windows.push({ fault: name, from, to, recover_ms: freshAt === undefined ? null : freshAt - repairAt, max_gap_ms: gap, note: what });
      o.say(`fault ${name}: recovered in ${freshAt === undefined ? 'NEVER' : `${freshAt - repairAt} ms`}, largest gap on the wall ${gap} ms`);
    }
    let scaling: ScalingResult | undefined;
    if (o.scaling) {
      scaling = await runScaling(pipeline, ledger, { devices: o.labDevices, pollIntervalMs: o.pollIntervalMs, sessionTimeoutMs: SUITE_DEFAULTS.sessionTimeoutMs, ...o.scaling, say: o.say });
      const settle = scaling.settle_out_ms === null || scaling.settle_in_ms === null ? null : Math.max(scaling.settle_out_ms, scaling.settle_in_ms);
      windows.push({ fault: 'collectors 1→3→1', from: scaling.from, to: scaling.to, recover_ms: settle, max_gap_ms: scaling.max_moved_gap_ms, note: `${scaling.moved} moves, ${scaling.double_polls_outside_rebalance} double polls outside a rebalance, limit ${scaling.limit_ms} ms` });
    }
    if (drop) await fetch(`${pipeline.labUrl}/scenarios/ssh`, { method: 'POST', body: JSON.stringify({ ...drop, degradeDb: 0 }) });
    const e2eFaults = wall.latency(windows[0]?.from ?? Date.now(), Date.now());
    const load = o.loadSteps?.length ? await runLoad({ steps: o.loadSteps, say: o.say, streams, ledger, watch, sql, apiUrl: pipeline.apiUrl, jwtSecret, groups, cleanups }) : [];

    // Finite input: stop the collectors, let the pipeline drain, then account.
    for (const [name, p] of pipeline.roles) if (name.startsWith('collector-')) await p.stop();
    o.say('collectors stopped; draining');
    let last = '';
    let quietSince = Date.now();
    const drainStart = Date.now();
    for (;;) {
      const now = `${ledger.progress()}/${await rowsAt().catch(() => -1)}`;
      if (now !== last) [last, quietSince] = [now, Date.now()];
      if (Date.now() - quietSince >= SUITE_DEFAULTS.drainQuietMs) break;
      if (Date.now() - drainStart > (o.drainTimeoutMs ?? SUITE_DEFAULTS.drainTimeoutMs)) {
        o.say(`not drained after ${o.drainTimeoutMs ?? SUITE_DEFAULTS.drainTimeoutMs} ms (${now})`);
        break;
      }
      await sleep(1_000);
    }
    // The accounting stands on what Kafka holds (read by kcat), not on what the live
    // readers happened to see; what they missed or saw in excess is reported beside it.
    const reference = await ledger.loadReference(o.endpoints.kafkaBrokers);
    o.say(`reference read (kcat, read_committed): ${reference.added} records the live readers missed, ${reference.phantoms} they saw that Kafka does not hold as committed${reference.phantoms > 0 ? ` (${reference.phantom_examples.join(', ')})` : ''}`);
    const total = await ledger.account(sql);
    const faults: FaultResult[] = [];
    for (const w of windows) {
      const a = await ledger.account(sql, w);
      faults.push({ fault: w.fault, lost: a.lost, duplicates: a.duplicates, recover_ms: w.recover_ms, max_gap_ms: w.max_gap_ms, readings: a.readings, rows: a.rows, note: w.note });
    }
    // The drop is injected into one port through the lab, which lowers what its SSH CLI and its
    // SNMP agent read alike: one series (label dropLabel), one anomaly.
    const ofPort = drop ? [...ledger.anomalies.values()].map((a) => a.event).filter((e) => e.deviceId === drop.deviceId && e.seriesKey.includes('optical_rx_dbm')) : [];
    const ofDrop = ofPort.filter((e) => e.seriesKey.includes(dropLabel!));
    const opened = new Set(ofDrop.filter((e) => e.state === 'OPEN').map((e) => e.anomalyId)).size;
    const anomalyEvents = ofPort.map((e) => `${e.state} ${e.anomalyId} ${e.seriesKey} ${e.detector} @${e.ts}`);
    // The roles' logs stay in runDir when the run fails or something was lost or doubled (it is
    // named then); a clean run leaves nothing.
    // OC_RESILIENCE_KEEP=1 keeps them of a clean run too (to read how a recovery went).
    keepEvidence = total.lost + total.duplicates > 0 || windows.some((w) => w.recover_ms === null) || process.env.OC_RESILIENCE_KEEP === '1';
    if (keepEvidence) o.say(`logs kept in ${runDir}`);
    if (!keepEvidence) cleanups.unshift(async () => rmSync(runDir, { recursive: true, force: true }));
    else o.say(`${total.lost} lost, ${total.duplicates} doubled (${[...total.lost_examples, ...total.duplicate_examples].join('; ')}): the roles' logs are kept in ${runDir}, the topics (prefix ${prefix}) in Kafka`);
    return { durability, total, reference, faults, anomalies: { injected: drop ? 1 : 0, opened }, e2e, e2e_faults: e2eFaults, stage_delays: stageDelays, anomaly_events: anomalyEvents, lag, steady, load, scaling };
  } finally {
    await cleanup();
  }
}

// Sustained load for the end-to-end latency figure: synthetic SNMP polls of `load-N` devices
// produced straight into telemetry.raw.snmp at a set rate, stamped with the wall clock, so the
// latency a wall client sees is reading time → point on screen through processor, sink and api.
// (snmpsim cannot poll at these rates on this machine; the collector's own rate is the snmp bench.)
import { setTimeout as sleep } from 'node:timers/promises';
import type { RawSnmpPoll } from '../../schemas/types.js';
import type pg from 'pg';
import type { Streams } from '../../streams/index.js';
import type { KafkaWatch } from './kafka-watch.js';
import type { Ledger } from './ledger.js';
import { WallClient } from './wall-client.js';

export const LOAD_DEFAULTS = {
  interfaces: 4, // per synthetic device: 4 × (in, out) rates and status samples
  tickMs: 100, // sends per second: 10
  perDeviceIntervalMs: 2_000, // each synthetic device is polled this often (the live throttle passes it)
  seriesPollMs: 500, // how often the step looks for its devices' series in PostgreSQL
  /** A step is kept up with when the processor's lag at its end is under this many seconds of
   * input (a transaction on the loaded cluster takes 1–2 s; the suite's caught-up test agrees). */
  keptUpSeconds: 4,
};

export function loadPoll(device: number, n: number, polledAt: number): RawSnmpPoll {
  const values: RawSnmpPoll['values'] = [];
  for (let i = 1; i <= LOAD_DEFAULTS.interfaces; i++) {
    const idx = String(i);
    values.push({ name: 'ifName', oid: `1.3.6.1.2.1.31.1.1.1.1.${i}`, index: idx, kind: 'OCTET_STRING', counter: null, number: null, text: `eth${i}` });
    values.push({ name: 'ifOperStatus', oid: `1.3.6.1.2.1.2.2.1.8.${i}`, index: idx, kind: 'INTEGER', counter: null, number: 1, text: null });
    values.push({ name: 'ifHCInOctets', oid: `1.3.6.1.2.1.31.1.1.1.6.${i}`, index: idx, kind: 'COUNTER64', counter: BigInt(n) * 250_000n * BigInt(i), number: null, text: null });
    values.push({ name: 'ifHCOutOctets', oid: `1.3.6.1.2.1.31.1.1.1.10.${i}`, index: idx, kind: 'COUNTER64', counter: BigInt(n) * 125_000n * BigInt(i), number: null, text: null });
  }
  return { deviceId: `load-${device}`, collectorId: 'load', profile: 'interfaces', polledAt, durationMs: 5, sysUpTime: 100 + n * 200, responseUpTimes: [], values, error: null };
}

/** Produces `ratePerS` polls a second for `durationMs` (poll `n` of device `d`, made by `poll`,
 * default loadPoll: `load-<d>` with 4 interfaces); returns how many went out. */
export async function produceLoad(streams: Streams, ratePerS: number, durationMs: number, counters: Map<number, number>, poll: (d: number, n: number, at: number) => RawSnmpPoll = loadPoll): Promise<number> {
  const devices = Math.max(1, Math.round((ratePerS * LOAD_DEFAULTS.perDeviceIntervalMs) / 1000));
  const perTick = (ratePerS * LOAD_DEFAULTS.tickMs) / 1000;
  const end = Date.now() + durationMs;
  let sent = 0;
  let owed = 0;
  let next = 0; // round robin over the devices
  const inFlight: Promise<void>[] = [];
  for (let tick = Date.now(); tick < end; tick += LOAD_DEFAULTS.tickMs) {
    owed += perTick;
    const records = [];
    for (; owed >= 1; owed--) {
      const d = next++ % devices;
      const n = (counters.get(d) ?? 0) + 1;
      counters.set(d, n);
      const at = Date.now();
      const value = poll(d, n, at);
      records.push({ key: value.deviceId, value, timestamp: at });
    }
    if (records.length > 0) {
      sent += records.length;
      inFlight.push(streams.producer.send(streams.topics.rawSnmp, records));
      if (inFlight.length > 50) await inFlight.shift();
    }
    const wait = tick + LOAD_DEFAULTS.tickMs - Date.now();
    if (wait > 0) await sleep(wait);
  }
  await Promise.all(inFlight);
  return sent;
}

export interface LoadStep {
  rate_s: number; // asked
  produced_s: number;
  metrics_s: number; // metric batches derived from the load, per second
  rows_s: number;
  processor_lag_end: number;
  sink_lag_end: number;
  e2e: { n: number; p50: number; p99: number; max: number };
  sustained: boolean;
}

/** Load steps one after another, until one is not sustained: throughput per stage, lag, latency. */
export async function runLoad(o: {
  steps: { ratePerS: number; durationMs: number }[];
  say(msg: string): void;
  streams: Streams;
  ledger: Ledger;
  watch: KafkaWatch;
  sql: pg.Pool;
  apiUrl: string;
  jwtSecret: string;
  groups: { processor: string; sink: string };
  cleanups: Array<() => Promise<unknown>>;
}): Promise<LoadStep[]> {
  const { streams, ledger, watch, sql, groups } = o;
  const counters = new Map<number, number>();
  const raws = [streams.topics.rawSnmp];
  const wall = new WallClient(o.apiUrl, o.jwtSecret);
  o.cleanups.push(() => wall.close());
  const watched = new Set<string>();
  const steps: LoadStep[] = [];
  const rows = async () => Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM metric_points p JOIN series s USING (series_id) WHERE s.device_id LIKE 'load-%'`)).rows[0].n);
  for (const step of o.steps) {
    const from = Date.now();
    const rowsBefore = await rows();
    o.say(`load: ${step.ratePerS} polls/s for ${step.durationMs} ms`);
    const producing = produceLoad(streams, step.ratePerS, step.durationMs, counters);
    // The sink creates a series with its first row; the api resolves ids from those rows. Series
    // of devices new in this step join the wall half way through it.
    // Asked again until the step's half: with the processor's transactions taking 1–2 s on the
    // loaded cluster, the first step's series were not in PostgreSQL yet at a single look after
    // 6 s, the wall subscribed to nothing and every run stopped at its first step with e2e n=0.
    for (let fresh: string[] = []; watched.size < 500 && fresh.length === 0 && Date.now() - from < step.durationMs / 2; ) {
      await sleep(LOAD_DEFAULTS.seriesPollMs);
      const { rows: ids } = await sql.query<{ id: string }>(`SELECT series_id::text AS id FROM series WHERE device_id LIKE 'load-%' AND metric = 'if_in_bps' ORDER BY series_id LIMIT 500`);
      fresh = ids.map((r) => r.id).filter((id) => !watched.has(id));
      for (const id of fresh) watched.add(id);
      if (fresh.length > 0) wall.subscribe(fresh);
    }
    const sent = await producing;
    const to = Date.now();
    const s = (to - from) / 1000;
    const derived = [...ledger.metrics.values()].filter((m) => m.deviceId.startsWith('load-') && m.ts >= from && m.ts < to).length;
    const processorLag = await watch.groupLag(groups.processor, raws).catch(() => -1);
    const sinkLag = await watch.sinkLag(sql, groups.sink, streams.topics.metrics).catch(() => -1);
    // Points of the step's second half: the wall's subscription and the caches are warm by then.
    const e2e = wall.latency(from + (to - from) / 2, to + 1);
    const result: LoadStep = {
      rate_s: step.ratePerS,
      produced_s: Math.round(sent / s),
      metrics_s: Math.round(derived / s),
      rows_s: Math.round(((await rows()) - rowsBefore) / s),
      processor_lag_end: processorLag,
      sink_lag_end: sinkLag,
      e2e,
      sustained: processorLag >= 0 && processorLag <= step.ratePerS * LOAD_DEFAULTS.keptUpSeconds && e2e.n > 0 && e2e.p99 < 5_000,
    };
    steps.push(result);
    o.say(`load: ${JSON.stringify(result)}`);
    if (!result.sustained) break;
  }
  return steps;
}

// The two ways a profile is read: a GET of scalars, or a walk of table columns in which one
// GetBulk carries every column still being walked (and, in the first request, the profile's
// scalars as non-repeaters), so a table of N rows × C columns costs about N×C / (C × maxRep)
// round trips instead of C separate walks. When the profile's scalars hold sysUpTime.0, every
// later GetBulk carries it too (one varbind): a walk's answers can arrive hundreds of ms apart on a
// loaded collector, and each counter is then timed by the agent clock of its own answer.

import type { Varbind } from 'net-snmp';
import type { PooledSession } from './session-pool.js';
import type { ColumnObject, ScalarObject } from './profiles.js';
import type { SnmpResponseUpTime, SnmpValue } from './types.js';
import { MalformedValueError, TAG, skipReason, toSnmpValue, type SkipReason } from './varbind-values.js';

export interface ReadSink {
  values: SnmpValue[];
  /** sysUpTime.0 of the first answer that carried it (the poll's). */
  sysUpTime: number | null;
  /** Later answers whose sysUpTime.0 differs from the one before: values from `firstValue` on were read then. */
  responseUpTimes?: SnmpResponseUpTime[];
  requests: number;
  skipped: (reason: SkipReason) => void;
}

const SYS_UPTIME_OID = '1.3.6.1.2.1.1.3.0';

export const WALK_LIMITS = {
  maxRequests: 5_000, // per poll: a looping agent must not hold a poll forever
  guardSlackMs: 1_000, // ms beyond net-snmp's own timeout × attempts before a request is given up
};

function timeoutError(): Error {
  return Object.assign(new Error('Request timed out (no callback from the SNMP session)'), { name: 'RequestTimedOutError' });
}

// net-snmp normally calls back exactly once; the guard timer makes sure a poll ends even if a
// malformed reply made it lose the request.
function request<T>(guardMs: number, send: (cb: (err: Error | null, result?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const guard = setTimeout(() => {
      if (settled) return;
      settled = true;
      reject(timeoutError());
    }, guardMs);
    const done = (err: Error | null, result?: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      if (err) reject(err);
      else resolve(result as T);
    };
    try {
      send(done);
    } catch (err) {
      done(err as Error);
    }
  });
}

function keepScalar(sink: ReadSink, scalar: ScalarObject, vb: Varbind | undefined, keepValue: boolean): void {
  if (!vb || vb.oid !== scalar.oid) {
    sink.skipped(vb ? skipReason(vb.type) : 'noSuchObject');
    return;
  }
  if (vb.type === TAG.TimeTicks && scalar.oid === SYS_UPTIME_OID) sink.sysUpTime = vb.value as number;
  if (!keepValue) return;
  const value = toSnmpValue(scalar.name, vb, '0');
  if (value) sink.values.push(value);
  else sink.skipped(skipReason(vb.type));
}

export async function getScalars(entry: PooledSession, scalars: ScalarObject[], keep: (s: ScalarObject) => boolean, sink: ReadSink, guardMs: number): Promise<void> {
  const oids = scalars.map((s) => s.oid);
  const varbinds = await request<Varbind[]>(guardMs, (cb) => entry.session.get(oids, cb));
  sink.requests++;
  for (let i = 0; i < scalars.length; i++) keepScalar(sink, scalars[i], varbinds[i], keep(scalars[i]));
}

// The object OID a GETNEXT starts from to land on a scalar's instance: sysUpTime.0 ← sysUpTime.
function beforeInstance(scalar: ScalarObject): string {
  return scalar.oid.endsWith('.0') ? scalar.oid.slice(0, -2) : scalar.oid;
}

export interface WalkOptions {
  maxRepetitions: number;
  guardMs: number;
}

export async function walkColumns(
  entry: PooledSession,
  columns: ColumnObject[],
  scalars: ScalarObject[],
  keep: (s: ScalarObject) => boolean,
  sink: ReadSink,
  opts: WalkOptions,
): Promise<void> {
  const prefixes = columns.map((c) => c.oid + '.');
  const cursors = columns.map((c) => c.oid);
  let active = columns.map((_, i) => i);
  let nonRepeaters = scalars.length;
  const clock = scalars.find((s) => s.oid === SYS_UPTIME_OID);
  let lastUpTime: number | null = null;
  let first = true;
  let repetitions = opts.maxRepetitions;
  const oids: string[] = [];

  while (active.length > 0) {
    if (sink.requests >= WALK_LIMITS.maxRequests) throw new MalformedValueError(`walk did not end after ${sink.requests} requests`);
    oids.length = 0;
    if (first) for (let i = 0; i < nonRepeaters; i++) oids.push(beforeInstance(scalars[i]));
    else if (clock) oids.push(beforeInstance(clock));
    for (const c of active) oids.push(cursors[c]);
    let response: Array<Varbind | Varbind[]>;
    try {
      response = await request(opts.guardMs, (cb) => entry.session.getBulk(oids, nonRepeaters, repetitions, cb));
    } catch (err) {
      // tooBig: ask for fewer rows rather than fail the device
      if ((err as { status?: number }).status === 1 && repetitions > 1) {
        repetitions = Math.max(1, repetitions >> 1);
        continue;
      }
      throw err;
    }
    sink.requests++;
    if (first) {
      for (let i = 0; i < nonRepeaters; i++) keepScalar(sink, scalars[i], response[i] as Varbind | undefined, keep(scalars[i]));
      lastUpTime = sink.sysUpTime;
    } else if (clock) {
      const vb = response[0] as Varbind | undefined;
      const upTime = vb && vb.oid === SYS_UPTIME_OID && vb.type === TAG.TimeTicks ? (vb.value as number) : null;
      if (upTime !== null && upTime !== lastUpTime) (sink.responseUpTimes ??= []).push({ firstValue: sink.values.length, sysUpTime: upTime });
      if (upTime !== null) lastUpTime = upTime;
    }

    const stillActive: number[] = [];
    let progressed = false;
    for (let a = 0; a < active.length; a++) {
      const c = active[a];
      const rows = response[nonRepeaters + a] as Varbind[] | undefined;
      if (!rows || rows.length === 0) {
        stillActive.push(c); // the agent cut the response short before this column
        continue;
      }
      const prefix = prefixes[c];
      const name = columns[c].name;
      let finished = false;
      for (let r = 0; r < rows.length; r++) {
        const vb = rows[r];
        if (vb.type === TAG.EndOfMibView || !vb.oid.startsWith(prefix) || vb.oid === cursors[c]) {
          finished = true;
          break;
        }
        cursors[c] = vb.oid;
        progressed = true;
        const value = vb.type >= TAG.NoSuchObject ? null : toSnmpValue(name, vb, vb.oid.slice(prefix.length));
        if (value) sink.values.push(value);
        else sink.skipped(skipReason(vb.type));
      }
      if (!finished) stillActive.push(c);
    }
    if (!progressed && stillActive.length > 0) throw new MalformedValueError(`GetBulk returned no rows for ${stillActive.length} column(s)`);
    active = stillActive;
    first = false;
    nonRepeaters = clock ? 1 : 0;
  }
}

// SNMP v2c/v3 poller: reads one profile from one device and returns it as a RawSnmpPoll. A poll never
// throws for anything the device or the network did: failures come back as `error` with a code
// (see errors.ts) and no values, because a failed poll is published too (availability).
//
// Every poll carries sysUpTime.0 (reboot detection downstream): the "system" profile GETs it, a
// table profile asks for it as a non-repeater of every GetBulk (one varbind, no extra round trip),
// so each answer's counters are timed by the agent's clock of that answer (responseUpTimes).

import { performance } from 'node:perf_hooks';
import type { Logger } from '../../common/log.js';
import { classifyError, isTimeout, type PollError } from './errors.js';
import { snmpPollerMetrics } from './metrics.js';
import { probeUnreachable } from './port-probe.js';
import { PROFILES, SYS_UPTIME, type ScalarObject, type SnmpProfile } from './profiles.js';
import { SessionPool, type PooledSession } from './session-pool.js';
import type { RawSnmpPoll, SnmpTarget } from './types.js';
import { getScalars, walkColumns, WALK_LIMITS, type ReadSink } from './walk.js';
import { pollOutcomeLogger } from '../poll-outcome.js';
import { OpsError } from '../../common/errors.js';

export type { RawSnmpPoll, SnmpTarget, SnmpV2cTarget, SnmpV3Target, SnmpValue } from './types.js';

export interface SnmpPollerOptions {
  timeoutMs: number; // per request attempt
  retries: number; // extra attempts after a timeout
  maxRepetitions: number; // GetBulk rows per column per request
  collectorId: string;
  logger: Logger;
  unreachableProbeMs?: number; // how long to listen for an ICMP error after a timeout
  profiles?: Record<string, SnmpProfile>; // the profiles it can poll; PROFILES (built-in and registered user files) by default
}

export interface SnmpPoller {
  poll(target: SnmpTarget, profile: string): Promise<RawSnmpPoll>;
  close(): void;
}

export const SNMP_POLLER_DEFAULTS = {
  timeoutMs: 2_000, // ms
  retries: 1,
  maxRepetitions: 25, // as snmp_exporter
  unreachableProbeMs: 200, // ms; ICMP comes back within one RTT
};

function configError(message: string): Error {
  return new OpsError('SNMP_CONFIG', message);
}

export function createSnmpPoller(opts: SnmpPollerOptions): SnmpPoller {
  for (const [key, min] of [['timeoutMs', 1], ['retries', 0], ['maxRepetitions', 1]] as const) {
    if (!Number.isInteger(opts[key]) || opts[key] < min) throw configError(`SNMP poller option ${key} must be an integer >= ${min}, got ${opts[key]}`);
  }
  const logger = opts.logger.child({ component: 'snmp-poller' });
  const metrics = snmpPollerMetrics();
  const probeMs = opts.unreachableProbeMs ?? SNMP_POLLER_DEFAULTS.unreachableProbeMs;
  const guardOf = (t: SnmpTarget) => (t.timeoutMs ?? opts.timeoutMs) * ((t.retries ?? opts.retries) + 1) + WALK_LIMITS.guardSlackMs;
  const pool = new SessionPool({
    timeoutMs: opts.timeoutMs,
    retries: opts.retries,
    onMalformed: () => metrics.malformed.inc(),
    onSizeChange: (size) => metrics.sessions.set(size),
  });
  const logOutcome = pollOutcomeLogger(logger, 'snmp poll');
  let closed = false;

  const skipped = (reason: string) => metrics.skipped.inc({ reason });

  const profiles = opts.profiles ?? PROFILES;
  // Per profile, once: the scalars to request (sysUpTime.0 added when the profile lacks it) and
  // which of them become values (only those the profile lists).
  const scalarPlans = new Map(
    Object.values(profiles).map((p) => {
      const listed = new Set(p.scalars.map((s) => s.oid));
      const scalars = listed.has(SYS_UPTIME.oid) ? p.scalars : [SYS_UPTIME, ...p.scalars];
      return [p.name, { scalars, keep: (s: ScalarObject) => listed.has(s.oid) }] as const;
    }),
  );

  // A timeout is refined: garbage received meanwhile means a malformed agent, an ICMP error means
  // unreachable; plain silence stays a timeout (and in v2c may be a wrong community).
  async function explainTimeout(target: SnmpTarget, where: string, malformedSeen: boolean): Promise<PollError> {
    if (malformedSeen) return { code: 'SNMP_MALFORMED', message: `${where}: answered only with datagrams that are not valid SNMP responses` };
    const refused = await probeUnreachable(target.address, target.port, probeMs);
    if (refused) return { code: 'SNMP_UNREACHABLE', message: `${where}: ${refused} (nothing listening on the SNMP port, or no route to the host)` };
    const attempts = (target.retries ?? opts.retries) + 1;
    const hint = target.version === 'v2c' ? 'in SNMPv2c a wrong community looks the same (the agent drops the request)' : 'an SNMPv3 agent that does not send reports drops bad credentials the same way';
    return { code: 'SNMP_TIMEOUT', message: `${where}: no response within ${target.timeoutMs ?? opts.timeoutMs} ms × ${attempts} attempt(s); ${hint}` };
  }

  function noteOutcome(target: SnmpTarget, profile: string, error: PollError | null): void {
    logOutcome(target.deviceId, error, { deviceId: target.deviceId, profile });
  }

  async function poll(target: SnmpTarget, profileName: string): Promise<RawSnmpPoll> {
    const profile = Object.hasOwn(profiles, profileName) ? profiles[profileName] : undefined;
    if (!profile || !scalarPlans.has(profile.name)) throw configError(`unknown SNMP profile "${profileName}" for device ${target.deviceId}; known: ${Object.keys(profiles).join(', ')}`);
    if (target.version !== 'v2c' && target.version !== 'v3') throw configError(`device ${(target as SnmpTarget).deviceId} asks for SNMP ${String((target as { version: unknown }).version)}; this poller speaks v2c and v3`);
    const where = `device ${target.deviceId} (${target.address}:${target.port}) profile ${profile.name}`;
    const reading: RawSnmpPoll = {
      deviceId: target.deviceId,
      collectorId: opts.collectorId,
      profile: profile.name,
      polledAt: Date.now(),
      durationMs: 0,
      sysUpTime: null,
      responseUpTimes: [],
      values: [],
      error: null,
    };
    const started = performance.now();
    const sink: ReadSink = { values: reading.values, sysUpTime: null, requests: 0, skipped };
    const { scalars, keep } = scalarPlans.get(profile.name)!;
    let error: PollError | null = null;

    if (closed) {
      error = { code: 'SNMP_CANCELLED', message: `${where}: poller is closed` };
    } else {
      let entry: PooledSession | undefined;
      let malformedBefore = 0;
      try {
        entry = pool.acquire(target);
        malformedBefore = entry.malformed;
        const guardMs = guardOf(target);
        if (profile.columns.length === 0) await getScalars(entry, scalars, keep, sink, guardMs);
        else await walkColumns(entry, profile.columns, scalars, keep, sink, { maxRepetitions: opts.maxRepetitions, guardMs });
      } catch (err) {
        reading.durationMs = Math.round(performance.now() - started);
        error = isTimeout(err) && !closed ? await explainTimeout(target, where, (entry?.malformed ?? 0) > malformedBefore) : classifyError(err, where);
      }
      // net-snmp rediscovers a restarted agent's engine by itself (a Report to a request re-sends it
      // once with the new engine boots/time); after a v3 auth failure the session is dropped anyway,
      // so the next poll starts clean with whatever the credential store then holds.
      if (error?.code === 'SNMP_AUTH' && target.version === 'v3') pool.release(target.deviceId);
    }

    if (error) {
      reading.values = [];
      reading.error = error;
    } else {
      reading.durationMs = Math.round(performance.now() - started);
      reading.sysUpTime = sink.sysUpTime;
      if (sink.responseUpTimes) reading.responseUpTimes = sink.responseUpTimes;
      metrics.varbinds.inc({ profile: profile.name }, reading.values.length);
      metrics.lastSuccess.set({ device: target.deviceId }, reading.polledAt / 1000);
    }
    metrics.requests.inc({ pdu: profile.columns.length === 0 ? 'get' : 'getbulk' }, sink.requests);
    metrics.polls.inc({ profile: profile.name, result: error ? 'error' : 'ok', code: error ? error.code : 'none' });
    metrics.duration.observe({ profile: profile.name, result: error ? 'error' : 'ok' }, reading.durationMs / 1000);
    noteOutcome(target, profile.name, error);
    return reading;
  }

  return {
    poll,
    close() {
      closed = true;
      pool.closeAll();
    },
  };
}

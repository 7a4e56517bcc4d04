// SSH CLI poller: runs a device's platform command set over one reused CLI session and returns
// one RawSshCapture per command (raw output + parsed values). It never throws for anything the
// device did: a failed login fails every command of that poll with the same code; a command the
// device rejects (CLI_ERROR) or prints in an unknown shape (CLI_PARSE) fails alone, and the
// output is kept in the record so the shape can be studied.

import { performance } from 'node:perf_hooks';
import { isIP } from 'node:net';
import type { Logger } from '../../common/log.js';
import type { CliSession } from './cli-session.js';
import { sshConfigError, type SshError, type SshErrorCode } from './errors.js';
import { KnownHosts, type HostKeyStore } from './known-hosts.js';
import { sshPollerMetrics } from './metrics.js';
import { platformOf, type Platform, type PlatformCommand } from './platforms.js';
import { SessionPool } from './session-pool.js';
import type { RawSshCapture, SshTarget } from './types.js';
import { pollOutcomeLogger } from '../poll-outcome.js';

export type { RawSshCapture, SshTarget } from './types.js';

export interface SshPollerOptions {
  collectorId: string;
  logger: Logger;
  knownHostsFile: string; // the project's pinned host keys (created on first use)
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  idleSessionMs?: number; // a session unused this long is closed
  maxOutputBytes?: number; // a longer reply ends the poll with SSH_OUTPUT_TOO_LARGE
}

export interface SshPoller {
  /** Runs every command of the target's platform; one capture per command, in order. */
  poll(target: SshTarget): Promise<RawSshCapture[]>;
  close(): void;
}

export const SSH_POLLER_DEFAULTS = {
  connectTimeoutMs: 10_000, // ms, TCP + key exchange + login + first prompt
  commandTimeoutMs: 20_000, // ms, a long optics listing on a full chassis takes seconds
  idleSessionMs: 300_000, // ms; longer than a poll interval, so sessions live across polls
  // bytes, one command's reply as received (escapes and echo included). It bounds what a session
  // holds and the work of cleaning and parsing a reply, whatever a device (gone wrong, or
  // hostile) sends. 1 MiB holds Junos optics of ~380 ports (~2.7 KB a port), the largest reply
  // of our command sets; SSH_MAX_OUTPUT_BYTES raises it for larger chassis.
  maxOutputBytes: 1_048_576,
};

export function createSshPoller(opts: SshPollerOptions): SshPoller {
  const cfg = { ...SSH_POLLER_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) } as typeof SSH_POLLER_DEFAULTS & SshPollerOptions;
  for (const key of ['connectTimeoutMs', 'commandTimeoutMs', 'idleSessionMs', 'maxOutputBytes'] as const) {
    if (!Number.isInteger(cfg[key]) || cfg[key] < 1) throw sshConfigError(`SSH poller option ${key} must be a positive integer, got ${cfg[key]}`);
  }
  const logger = opts.logger.child({ component: 'ssh-poller' });
  const metrics = sshPollerMetrics();
  const knownHosts = new KnownHosts(opts.knownHostsFile);
  const pinning: HostKeyStore = {
    async check(address, port, blob) {
      const verdict = await knownHosts.check(address, port, blob);
      if (verdict.ok && verdict.firstUse) {
        metrics.hostKeysPinned.inc();
        logger.info('ssh host key pinned on first use', { address, port });
      }
      return verdict;
    },
  };
  const pool = new SessionPool(cfg.idleSessionMs, (n) => metrics.sessions.set(n));
  const noteOutcome = pollOutcomeLogger(logger, 'ssh capture'); // per device and command
  let closed = false;

  function capture(target: SshTarget, platform: string, command: string, capturedAt: number): RawSshCapture {
    return { deviceId: target.deviceId, collectorId: opts.collectorId, platform, command, capturedAt, durationMs: 0, output: null, values: [], error: null };
  }

  function finish(target: SshTarget, c: RawSshCapture, error: SshError | null): RawSshCapture {
    c.error = error;
    if (error) c.values = [];
    metrics.captures.inc({ platform: c.platform, result: error ? 'error' : 'ok', code: error ? error.code : 'none' });
    if (!error) {
      metrics.values.inc({ platform: c.platform }, c.values.length);
      metrics.lastSuccess.set({ device: target.deviceId }, c.capturedAt / 1000);
    }
    noteOutcome(`${target.deviceId}\u0000${c.command}`, error, { deviceId: target.deviceId, command: c.command });
    return c;
  }

  const failAll = (target: SshTarget, platform: string, commands: string[], code: SshErrorCode, message: string) => {
    const now = Date.now();
    return (commands.length ? commands : ['(login)']).map((command) => finish(target, capture(target, platform, command, now), { code, message }));
  };

  /** Runs one command and parses it; the capture comes back unfinished (see finish). */
  async function attempt(session: CliSession, target: SshTarget, platform: Platform, pc: PlatformCommand): Promise<{ c: RawSshCapture; error: SshError | null }> {
    const c = capture(target, platform.name, pc.command, Date.now());
    const started = performance.now();
    const where = `device ${target.deviceId} command "${pc.command}"`;
    try {
      const output = await session.run(pc.command);
      c.durationMs = Math.round(performance.now() - started);
      metrics.duration.observe({ platform: platform.name }, c.durationMs / 1000);
      c.output = output;
      const said = platform.cliError.exec(output);
      if (said) return { c, error: { code: 'CLI_ERROR', message: `${where}: the device rejected it: ${said[0].trim()}` } };
      try {
        c.values = pc.parse(output);
      } catch (err) {
        return { c, error: { code: 'CLI_PARSE', message: `${where}: output in an unexpected shape: ${(err as Error).message}` } };
      }
      return { c, error: null };
    } catch (err) {
      c.durationMs = Math.round(performance.now() - started);
      const e = err as { code?: SshErrorCode; message?: string };
      return { c, error: { code: e.code ?? 'SSH_SESSION_CLOSED', message: e.message ?? String(err) } };
    }
  }

  async function login(target: SshTarget, platform: Platform): Promise<{ session: CliSession } | { error: SshError }> {
    try {
      const got = await pool.acquire({
        target,
        knownHosts: pinning,
        prompt: platform.prompt,
        setupCommands: platform.setupCommands,
        connectTimeoutMs: cfg.connectTimeoutMs,
        commandTimeoutMs: cfg.commandTimeoutMs,
        maxOutputBytes: cfg.maxOutputBytes,
      });
      if (got.opened) metrics.logins.inc({ result: 'ok', code: 'none' });
      return { session: got.session };
    } catch (err) {
      const e = err as { code?: SshErrorCode; message?: string };
      const code = e.code ?? 'SSH_CONNECT';
      metrics.logins.inc({ result: 'error', code });
      return { error: { code, message: e.message ?? String(err) } };
    }
  }

  async function poll(target: SshTarget): Promise<RawSshCapture[]> {
    const platform = platformOf(target.platform);
    if (!platform) return failAll(target, target.platform, [], 'SSH_PLATFORM_UNKNOWN', `device ${target.deviceId}: no SSH command set for platform "${target.platform}"`);
    let commands: PlatformCommand[];
    try {
      commands = platform.commands(target); // refuses a port name outside the platform's grammar
    } catch (err) {
      return failAll(target, platform.name, [], 'SSH_TARGET_INVALID', (err as Error).message);
    }
    const names = commands.map((c) => c.command);
    if (isIP(target.address) === 0) return failAll(target, platform.name, names, 'SSH_TARGET_INVALID', `device ${target.deviceId}: address "${target.address}" is not an IP literal`);
    if (platform.needsPorts && !target.ports?.length) return failAll(target, platform.name, names, 'SSH_TARGET_INVALID', `device ${target.deviceId}: platform ${platform.name} needs the list of ports to read`);
    if (closed) return failAll(target, platform.name, names, 'SSH_CANCELLED', `device ${target.deviceId}: poller is closed`);
    let got = await login(target, platform);
    if ('error' in got) return failAll(target, platform.name, names, got.error.code, got.error.message);
    const out: RawSshCapture[] = [];
    for (const [i, pc] of commands.entries()) {
      let result = await attempt(got.session, target, platform, pc);
      // A reused session may have died since the last poll (device reboot, idle cut by a
      // firewall) without us noticing yet: log in again once rather than fail the poll.
      if (i === 0 && result.error?.code === 'SSH_SESSION_CLOSED' && result.c.output === null) {
        got = await login(target, platform);
        if ('error' in got) return failAll(target, platform.name, names, got.error.code, got.error.message);
        result = await attempt(got.session, target, platform, pc);
      }
      out.push(finish(target, result.c, result.error));
      const rest = names.slice(i + 1);
      if (result.error?.code === 'SSH_OUTPUT_TOO_LARGE' && rest.length) {
        // The session is closed and the device is not to be read on: the poll ends here.
        out.push(...failAll(target, platform.name, rest, 'SSH_OUTPUT_TOO_LARGE', `device ${target.deviceId}: not run, the poll ended on an oversized reply to "${pc.command}"`));
        break;
      }
    }
    return out;
  }

  return {
    poll,
    close() {
      closed = true;
      pool.closeAll();
    },
  };
}

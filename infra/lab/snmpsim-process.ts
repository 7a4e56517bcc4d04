// Runs snmpsim-command-responder (PyPI snmpsim) as a child process and knows when it really
// answers: a started process is not a listening agent, so readiness is a real SNMP GET.

import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import snmp from 'net-snmp';
import type { Logger } from '../../common/log.js';
import { spawnSync } from 'node:child_process';
import { snmpsimV3Args, type LabV3User } from './v3-users.js';
import { OpsError, type ErrorCode } from '../../common/errors.js';

export interface SnmpsimOptions {
  venvBin: string; // folder holding python3 and snmpsim-command-responder
  recordsDir: string; // .snmprec files; a file's path relative to it is its v2c community
  cacheDir: string; // snmpsim's index files
  logFile: string;
  host: string;
  port: number;
  probeCommunity: string; // a community that exists, for the readiness GET
  readyTimeoutMs?: number;
  maxVarBinds?: number;
  logLevel?: 'debug' | 'info' | 'error';
  v3Users?: LabV3User[]; // SNMPv3 users served next to the v2c communities
  logger: Logger;
}

export interface SnmpsimProcess {
  pid: number;
  logFile: string;
  running(): boolean;
  stop(): Promise<void>;
}

export const SNMPSIM_DEFAULTS = {
  readyTimeoutMs: 30_000, // ms; index building for a large lab takes a while on 2 cores
  readyProbeTimeoutMs: 300, // ms per readiness GET
  readyProbeIntervalMs: 150, // ms
  stopGraceMs: 3_000, // ms between SIGTERM and SIGKILL
  // Real routers answer GetBulk with as many rows as fit a message; snmpsim's default cap of 64
  // varbinds would make a many-column walk look far chattier than on real hardware.
  maxVarBinds: 256,
  logLevel: 'error' as const, // 'info' logs every request: far too much under a bench
};

// The child is the venv's python running this shim, which
// - asks the kernel to SIGTERM it when its parent dies (prctl PR_SET_PDEATHSIG), so a test runner
//   killed with SIGKILL leaves no simulator behind;
// - applies the GetBulk varbind cap itself: snmpsim 1.2.2 stores --max-var-binds in
//   `maxVarBinds`, an attribute pysnmp 7 no longer reads (it reads `max_varbinds`, default 64), so
//   without this an 11-column walk would get 5 rows a response whatever the flag says;
// - then runs snmpsim-command-responder's main() as its console script would.
const SNMPSIM_SHIM = [
  'import ctypes, os, signal, sys',
  'ctypes.CDLL(None).prctl(1, signal.SIGTERM)',
  'if os.getppid() != int(sys.argv[1]): sys.exit(0)',
  'from pysnmp.entity.rfc3413 import cmdrsp',
  'cmdrsp.BulkCommandResponder.max_varbinds = int(sys.argv[2])',
  'sys.argv = sys.argv[3:]',
  'from snmpsim.commands.responder import main',
  'sys.exit(main())',
].join('\n');

/** True when the venv's python can import the module (checked once per process and venv). */
const moduleChecks = new Map<string, boolean>();
export function venvHasPythonModule(venvBin: string, module: string): boolean {
  const key = `${venvBin}:${module}`;
  if (!moduleChecks.has(key)) moduleChecks.set(key, spawnSync(path.join(venvBin, 'python3'), ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0);
  return moduleChecks.get(key)!;
}

function labError(code: ErrorCode, message: string, canRetry = false): Error {
  return new OpsError(code, message, { canRetry });
}

function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log written)';
  }
}

function snmpGetOnce(host: string, port: number, community: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const session = snmp.createSession(host, community, { port, version: snmp.Version2c, timeout: timeoutMs, retries: 0 });
    session.on('error', () => {});
    session.get(['1.3.6.1.2.1.1.3.0'], (err, varbinds) => {
      session.close();
      resolve(!err && !!varbinds && varbinds[0]?.type === snmp.ObjectType.TimeTicks);
    });
  });
}

// snmpsim binds with address reuse, so a second lab on a busy port would start "fine" and never
// see a request: check first and say which port is taken.
function assertUdpPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.close();
      reject(labError('LAB_SNMP_PORT_IN_USE', `UDP ${host}:${port} for snmpsim is not available (${err.code}); is another lab running? Set LAB_SNMP_PORT to another port`));
    });
    socket.bind(port, host, () => socket.close(() => resolve()));
  });
}

export async function startSnmpsim(opts: SnmpsimOptions): Promise<SnmpsimProcess> {
  const responder = path.join(opts.venvBin, 'snmpsim-command-responder');
  const python = path.join(opts.venvBin, 'python3');
  for (const file of [responder, python]) {
    if (!existsSync(file)) {
      throw labError('LAB_SNMPSIM_MISSING', `snmpsim is not installed: ${file} does not exist (pip install snmpsim==1.2.2 'pysmi>=2,<3' into the project venv)`);
    }
  }
  // pysnmp encrypts with the `cryptography` package; without it every authPriv request fails with a
  // usmStatsDecryptionErrors report, which would look like a poller bug.
  if (opts.v3Users?.some((u) => u.level === 'authPriv') && !venvHasPythonModule(opts.venvBin, 'cryptography')) {
    throw labError('LAB_SNMPSIM_MISSING', `the lab's SNMPv3 authPriv users need the python package "cryptography" in ${opts.venvBin} (pip install cryptography; add it to infra/python-requirements.txt)`);
  }
  await assertUdpPortFree(opts.host, opts.port);
  const maxVarBinds = opts.maxVarBinds ?? SNMPSIM_DEFAULTS.maxVarBinds;
  const args = [
    `--data-dir=${opts.recordsDir}`,
    `--cache-dir=${opts.cacheDir}`,
    '--force-index-rebuild', // files are rewritten at every start, possibly within the same mtime second
    `--agent-udpv4-endpoint=${opts.host}:${opts.port}`,
    `--max-var-binds=${maxVarBinds}`, // logged by snmpsim; the shim makes it effective
    `--logging-method=file:${opts.logFile}`,
    // never 'info' with v3 users: snmpsim logs their keys at info level
    `--log-level=${opts.logLevel ?? SNMPSIM_DEFAULTS.logLevel}`,
    ...snmpsimV3Args(opts.v3Users ?? []),
  ];
  const out = openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(python, ['-c', SNMPSIM_SHIM, String(process.pid), String(maxVarBinds), responder, ...args], {
      stdio: ['ignore', out, out],
      // snmpsim refuses to run as root unless it can drop privileges; it binds an unprivileged
      // loopback port here, so there is nothing to drop (CI and dev machines run as root).
      env: { ...process.env, SNMPSIM_ALLOW_ROOT: 'true' },
    });
  } finally {
    closeSync(out);
  }
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    });
    child.once('error', (err) => {
      exit = { code: -1, signal: null };
      opts.logger.error('snmpsim could not be spawned', { err });
      resolve();
    });
  });

  const stop = async () => {
    if (exit) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), SNMPSIM_DEFAULTS.stopGraceMs);
    await exited;
    clearTimeout(timer);
  };

  const readyTimeoutMs = opts.readyTimeoutMs ?? SNMPSIM_DEFAULTS.readyTimeoutMs;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exit) {
      const { code, signal } = exit;
      throw labError('LAB_SNMPSIM_START', `snmpsim exited during start (code ${code}, signal ${signal}); see ${opts.logFile}:\n${logTail(opts.logFile)}`);
    }
    if (await snmpGetOnce(opts.host, opts.port, opts.probeCommunity, SNMPSIM_DEFAULTS.readyProbeTimeoutMs)) break;
    if (Date.now() > deadline) {
      await stop();
      throw labError(
        'LAB_SNMPSIM_START',
        `snmpsim did not answer an SNMP GET on ${opts.host}:${opts.port} (community ${opts.probeCommunity}) within ${readyTimeoutMs} ms; see ${opts.logFile}:\n${logTail(opts.logFile)}`,
        true,
      );
    }
    await new Promise((r) => setTimeout(r, SNMPSIM_DEFAULTS.readyProbeIntervalMs));
  }
  opts.logger.info('snmpsim answering', { pid: child.pid, endpoint: `${opts.host}:${opts.port}`, logFile: opts.logFile });
  return { pid: child.pid ?? -1, logFile: opts.logFile, running: () => exit === null, stop };
}

// The lab's SNMP agents behind one interface, served by either engine from the same snmprec files:
//   snmpsim  one Python process (PyPI snmpsim, pysnmp's USM): the independent implementation the
//            poller's protocol tests run against; ~32 polls/s on the lab machine
//   node     the in-process agent (node-agent.ts): hundreds of polls/s, for large labs
// Both put every device on one UDP endpoint, selected by community (v2c) or context (v3), so
// the inventory and the collectors do not know which engine runs.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../common/log.js';
import { startNodeAgent } from './node-agent.js';
import { parseSnmprec, servedTable } from './served-objects.js';
import { startSnmpsim } from './snmpsim-process.js';
import type { LabV3User } from './v3-users.js';

export type SnmpAgentEngine = 'snmpsim' | 'node';
export const SNMP_AGENT_ENGINES: SnmpAgentEngine[] = ['snmpsim', 'node'];

export interface SnmpAgentsOptions {
  engine: SnmpAgentEngine;
  venvBin: string;
  recordsDir: string; // <community>.snmprec files, recorded/<name>.snmprec under it
  communities: string[]; // the files to serve, by community (the node agent reads only these)
  cacheDir: string;
  logFile: string;
  host: string;
  port: number;
  readyTimeoutMs?: number;
  v3Users: LabV3User[];
  logger: Logger;
}

export interface SnmpAgents {
  engine: SnmpAgentEngine;
  pid: number | null; // snmpsim's process; null in process
  running(): boolean;
  /** A power cycle of every simulated device: counters and sysUpTime restart from their initial values. */
  reboot(): Promise<void>;
  stop(): Promise<void>;
}

async function startSnmpsimAgents(opts: SnmpAgentsOptions): Promise<SnmpAgents> {
  const start = () =>
    startSnmpsim({
      venvBin: opts.venvBin,
      recordsDir: opts.recordsDir,
      cacheDir: opts.cacheDir,
      logFile: opts.logFile,
      host: opts.host,
      port: opts.port,
      probeCommunity: opts.communities[0],
      readyTimeoutMs: opts.readyTimeoutMs,
      v3Users: opts.v3Users,
      logger: opts.logger,
    });
  let snmpsim = await start();
  return {
    engine: 'snmpsim',
    get pid() {
      return snmpsim.pid;
    },
    running: () => snmpsim.running(),
    // snmpsim's `numeric` values count from its process start: a restart is the reboot
    async reboot() {
      await snmpsim.stop();
      snmpsim = await start();
    },
    stop: () => snmpsim.stop(),
  };
}

async function startNodeAgents(opts: SnmpAgentsOptions): Promise<SnmpAgents> {
  const agents = new Map<string, ReturnType<typeof servedTable>>();
  for (const community of opts.communities) {
    agents.set(community, servedTable(parseSnmprec(await readFile(path.join(opts.recordsDir, `${community}.snmprec`), 'utf8'))));
  }
  const agent = await startNodeAgent({ host: opts.host, port: opts.port, agents, v3Users: opts.v3Users, logger: opts.logger });
  return {
    engine: 'node',
    pid: null,
    running: () => agent.running(),
    reboot: async () => agent.reboot(),
    stop: () => agent.stop(),
  };
}

export function startSnmpAgents(opts: SnmpAgentsOptions): Promise<SnmpAgents> {
  return opts.engine === 'node' ? startNodeAgents(opts) : startSnmpsimAgents(opts);
}

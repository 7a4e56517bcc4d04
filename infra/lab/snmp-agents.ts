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
import { compareOids } from './snmprec.js';
import { parseSnmprec, servedObject, servedTable, type ServedObject } from './served-objects.js';
import { servedValues, type ServedInteger } from './served-values.js';
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
  /** Integers the device of `community` serves from now on (a scenario changed it); null: as at start. */
  serve(community: string, changes: readonly ServedInteger[]): Promise<void>;
  stop(): Promise<void>;
}

const dataFile = (opts: SnmpAgentsOptions, community: string) => path.join(opts.recordsDir, `${community}.snmprec`);

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
  const values = servedValues();
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
    // snmpsim reads each answer from the file: the rewritten line is what it serves next
    serve: async (community, changes) => void (await values.apply(dataFile(opts, community), changes)),
    stop: () => snmpsim.stop(),
  };
}

async function startNodeAgents(opts: SnmpAgentsOptions): Promise<SnmpAgents> {
  const agents = new Map<string, ReturnType<typeof servedTable>>();
  for (const community of opts.communities) {
    agents.set(community, servedTable(parseSnmprec(await readFile(dataFile(opts, community), 'utf8'))));
  }
  const agent = await startNodeAgent({ host: opts.host, port: opts.port, agents, v3Users: opts.v3Users, logger: opts.logger });
  const values = servedValues();
  return {
    engine: 'node',
    pid: null,
    running: () => agent.running(),
    reboot: async () => agent.reboot(),
    // The file too, so both engines' data files say what is served; the agent answers from memory.
    async serve(community, changes) {
      const objects = agents.get(community);
      if (!objects) throw Object.assign(new Error(`snmp agents: no device "${community}"`), { code: 'LAB_BAD_SCENARIO' });
      for (const record of await values.apply(dataFile(opts, community), changes)) replaceObject(objects, servedObject(record));
    },
    stop: () => agent.stop(),
  };
}

/** Swaps the object of the same OID (the agent looks its objects up per request). */
function replaceObject(objects: ServedObject[], next: ServedObject): void {
  let lo = 0;
  let hi = objects.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareOids(objects[mid].oid, next.oid) < 0) lo = mid + 1;
    else hi = mid;
  }
  if (objects[lo]?.oid !== next.oid) throw Object.assign(new Error(`snmp agents: ${next.oid} is not served`), { code: 'LAB_BAD_SCENARIO' });
  objects[lo] = next;
}

export function startSnmpAgents(opts: SnmpAgentsOptions): Promise<SnmpAgents> {
  return opts.engine === 'node' ? startNodeAgents(opts) : startSnmpsimAgents(opts);
}

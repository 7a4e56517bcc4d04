// The lab's in-process SNMP agent: every simulated device on one UDP endpoint, in this node
// process, answering from the same snmprec records snmpsim would serve. snmpsim (one Python
// process) tops out at ~32 polls/s on the lab machine; this agent serves hundreds, which a
// 2,000-device scaling run needs.
//
// net-snmp's Agent does the wire work: decoding, SNMPv3 USM (discovery, digests, privacy,
// reports) and encoding. Its MIB tree is not used: it holds one MIB per agent, while the lab needs
// one per device, chosen (as in snmpsim) by the v2c community or the SNMPv3 context name. So the
// agent's request handlers are replaced by ours, which look the device up and answer GET, GETNEXT
// and GETBULK from the device's sorted objects. A request naming no device is dropped, as a real
// agent drops a wrong community.

import { isIP } from 'node:net';
import snmp from 'net-snmp';
import type { Socket } from 'node:dgram';
import type { Logger } from '../../common/log.js';
import type { ServedObject } from './served-objects.js';
import type { LabV3User } from './v3-users.js';
import { OpsError } from '../../common/errors.js';

export interface NodeAgentOptions {
  host: string;
  port: number;
  /** The objects of each agent by community (= SNMPv3 context), in OID order. */
  agents: Map<string, ServedObject[]>;
  v3Users: LabV3User[];
  /** Varbinds a GetBulk response carries at most (snmpsim's cap here is 256 too). */
  maxVarBinds?: number;
  logger: Logger;
}

export interface NodeAgent {
  /** Counters and sysUpTime restart from their initial values; SNMPv3 managers see a new engine. */
  reboot(): void;
  running(): boolean;
  stop(): Promise<void>;
}

export const NODE_AGENT_DEFAULTS = { maxVarBinds: 256, recvBufferBytes: 4 * 1024 * 1024 };

const LEVELS = { noAuthNoPriv: snmp.SecurityLevel.noAuthNoPriv, authNoPriv: snmp.SecurityLevel.authNoPriv, authPriv: snmp.SecurityLevel.authPriv };

function usmUser({ credential: c, level }: LabV3User): snmp.UsmUser {
  const user: snmp.UsmUser = { name: c.user, level: LEVELS[level] };
  if (level !== 'noAuthNoPriv') Object.assign(user, { authProtocol: snmp.AuthProtocols[c.authProtocol], authKey: c.authKey });
  if (level === 'authPriv') Object.assign(user, { privProtocol: snmp.PrivProtocols[c.privProtocol], privKey: c.privKey });
  return user;
}

function compareParts(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Index of the first object whose OID is greater than `parts` (or equal, when `orEqual`). */
function firstAfter(objects: ServedObject[], parts: number[], orEqual: boolean): number {
  let lo = 0;
  let hi = objects.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = compareParts(objects[mid].parts, parts);
    if (c < 0 || (c === 0 && !orEqual)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function oidParts(oid: string): number[] {
  return oid.split('.').map(Number);
}

export async function startNodeAgent(opts: NodeAgentOptions): Promise<NodeAgent> {
  const logger = opts.logger.child({ component: 'snmp-agent' });
  const maxVarBinds = opts.maxVarBinds ?? NODE_AGENT_DEFAULTS.maxVarBinds;
  let bootedAt = performance.now();
  const seconds = () => (performance.now() - bootedAt) / 1000;

  const varbind = (o: ServedObject, t: number): snmp.Varbind => ({ oid: o.oid, type: o.type, value: o.at ? o.at(t) : o.value });
  const endOfMib = (oid: string): snmp.Varbind => ({ oid, type: snmp.ObjectType.EndOfMibView, value: null });

  function get(objects: ServedObject[], oid: string, t: number): snmp.Varbind {
    const parts = oidParts(oid);
    const i = firstAfter(objects, parts, true);
    const found = objects[i];
    if (found && compareParts(found.parts, parts) === 0) return varbind(found, t);
    // noSuchInstance when the object (the OID without its last arc) exists, noSuchObject otherwise
    const parent = oid.slice(0, oid.lastIndexOf('.') + 1);
    const under = (o: ServedObject | undefined) => o !== undefined && parent.length > 0 && o.oid.startsWith(parent);
    const type = under(found) || under(objects[i - 1]) ? snmp.ObjectType.NoSuchInstance : snmp.ObjectType.NoSuchObject;
    return { oid, type, value: null };
  }

  function getBulk(objects: ServedObject[], oids: string[], nonRepeaters: number, maxRepetitions: number, t: number): snmp.Varbind[] {
    const out: snmp.Varbind[] = [];
    const n = Math.min(Math.max(0, nonRepeaters), oids.length);
    for (let i = 0; i < n; i++) {
      const next = objects[firstAfter(objects, oidParts(oids[i]), false)];
      out.push(next ? varbind(next, t) : endOfMib(oids[i]));
    }
    const cursors = oids.slice(n).map((oid) => firstAfter(objects, oidParts(oid), false));
    const last = oids.slice(n); // per column, the OID an endOfMibView names: the last one reached
    for (let r = 0; r < maxRepetitions && out.length + cursors.length <= maxVarBinds; r++) {
      let anyLeft = false;
      for (let c = 0; c < cursors.length; c++) {
        const next = objects[cursors[c]];
        if (!next) {
          out.push(endOfMib(last[c]));
          continue;
        }
        out.push(varbind(next, t));
        last[c] = next.oid;
        cursors[c]++;
        anyLeft = true;
      }
      if (!anyLeft) break; // every column ran past the end of the MIB: one row of endOfMibView says so
    }
    return out;
  }

  function answer(agent: AgentInternals, socket: Socket, message: RequestMessage, rinfo: unknown): void {
    const key = message.version === snmp.Version3 ? message.pdu.contextName : message.community;
    const objects = key === undefined ? undefined : opts.agents.get(key);
    if (!objects) return; // no such device: dropped, as a real agent drops a wrong community
    const pdu = message.pdu;
    const oids = pdu.varbinds.map((v) => v.oid);
    const t = seconds();
    const response = pdu.getResponsePduForRequest();
    if (pdu.type === api.PduType.GetRequest) response.varbinds = oids.map((oid) => get(objects, oid, t));
    else if (pdu.type === api.PduType.GetNextRequest) response.varbinds = getBulk(objects, oids, 0, 1, t); // one repetition, no non-repeaters
    else if (pdu.type === api.PduType.GetBulkRequest) response.varbinds = getBulk(objects, oids, pdu.nonRepeaters ?? 0, pdu.maxRepetitions ?? 0, t);
    else {
      // a read-only lab: a SET is refused naming the first varbind, as SNMPv2 agents do
      response.varbinds = pdu.varbinds;
      response.errorStatus = api.ErrorStatus.NotWritable;
      response.errorIndex = 1;
    }
    agent.listener.send(message.createResponseForRequest(response), rinfo, socket);
  }

  const communities = [...opts.agents.keys()];
  const agent = api.createAgent(
    { port: opts.port, address: opts.host, transport: isIP(opts.host) === 6 ? 'udp6' : 'udp4', accessControlModelType: api.AccessControlModelType.None },
    (err: Error | null) => {
      // unknown communities, bad digests and undecodable datagrams: the manager sees a drop or a report
      if (err) logger.debug('snmp request not answered', { reason: err.message });
    },
  ) as AgentInternals;
  const authorizer = agent.getAuthorizer();
  for (const u of opts.v3Users) authorizer.addUser(usmUser(u));
  // Authorizer.addCommunity scans its list for duplicates: O(n²) for 10,000 devices; the keys are
  // unique already, so the list is set at once.
  authorizer.communities = communities;
  const handler = function (this: AgentInternals, socket: Socket, message: RequestMessage, rinfo: unknown) {
    answer(this, socket, message, rinfo);
  };
  agent.getRequest = agent.getNextRequest = agent.getBulkRequest = agent.setRequest = agent.onProxyRequest = handler;

  const [socket] = Object.values(agent.listener.sockets);
  await new Promise<void>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => {
      agent.close();
      reject(new OpsError('LAB_SNMP_PORT_IN_USE', `UDP ${opts.host}:${opts.port} for the lab's SNMP agent is not available (${err.code}); is another lab running? Set LAB_SNMP_PORT to another port`));
    };
    socket.once('error', failed);
    socket.once('listening', () => {
      socket.off('error', failed);
      resolve();
    });
  });
  // Many managers polling at once (a collector's first interval, a bench's burst) queue more
  // requests than the default ~200 KB receive buffer holds, and the kernel drops the rest: ask for
  // 4 MiB (the kernel caps it at net.core.rmem_max).
  try {
    socket.setRecvBufferSize(NODE_AGENT_DEFAULTS.recvBufferBytes);
  } catch (err) {
    logger.warn('snmp agent keeps the default receive buffer', { err });
  }
  logger.info('snmp agent answering', { endpoint: `${opts.host}:${opts.port}`, agents: opts.agents.size, v3Users: opts.v3Users.length });

  let stopped = false;
  return {
    reboot() {
      bootedAt = performance.now();
      agent.engine.engineBoots++;
      agent.engine.generateEngineID(); // as snmpsim restarted with an "auto" engine id
    },
    running: () => !stopped,
    stop: () =>
      new Promise<void>((resolve) => {
        if (stopped) return resolve();
        stopped = true;
        agent.close(() => resolve());
      }),
  };
}

// The agent side of net-snmp (3.x, no published types) and the internals this agent relies on;
// collectors/snmp/net-snmp.d.ts declares only the manager side.
const api = snmp as unknown as {
  createAgent(options: { port: number; address: string; transport: 'udp4' | 'udp6'; accessControlModelType: number }, callback: (error: Error | null) => void): unknown;
  AccessControlModelType: { None: number };
  PduType: { GetRequest: number; GetNextRequest: number; GetBulkRequest: number };
  ErrorStatus: { NotWritable: number };
};
interface RequestMessage {
  version: number;
  community?: string;
  pdu: {
    type: number;
    contextName?: string;
    varbinds: snmp.Varbind[];
    nonRepeaters?: number;
    maxRepetitions?: number;
    getResponsePduForRequest(): { varbinds: snmp.Varbind[]; errorStatus?: number; errorIndex?: number };
  };
  createResponseForRequest(pdu: unknown): unknown;
}
type Handler = (socket: Socket, message: RequestMessage, rinfo: unknown) => void;
interface AgentInternals {
  listener: { sockets: Record<string, Socket>; send(message: unknown, rinfo: unknown, socket: Socket): void };
  engine: { engineBoots: number; generateEngineID(): void };
  getAuthorizer(): { communities: string[]; addUser(user: snmp.UsmUser): void };
  getRequest: Handler;
  getNextRequest: Handler;
  getBulkRequest: Handler;
  setRequest: Handler;
  onProxyRequest: Handler;
  close(callback?: () => void): void;
}

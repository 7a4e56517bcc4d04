// net-snmp's receiver with one change: an inform is acknowledged when the caller says so (after
// the event is on Kafka), not on arrival. net-snmp 3.x answers an InformRequest inside its
// message handler, before it calls us, and has no option to delay that. Its handler encodes the
// Response PDU and hands it to `listener.send`, then calls our callback, synchronously, in that
// order: so the listener's send is wrapped to keep the encoded Response (bytes, taken at once)
// instead of sending it, and the callback that follows gets a function that sends those bytes.
// Reports (SNMPv3 engine discovery, USM errors) still go out at once.
import { once } from 'node:events';
import type { Socket } from 'node:dgram';
import { isIP } from 'node:net';
import snmp from 'net-snmp';
import { OpsError } from '../../common/errors.js';
import type { ReceivedFrom, ReceivedPdu } from './notification.js';

const GET_RESPONSE = 162; // net-snmp PduType.GetResponse, the type an inform's answer is sent with

export interface Received {
  pdu: ReceivedPdu;
  from: ReceivedFrom;
  version: 'V1' | 'V2C' | 'V3';
  /** Sends the inform's Response; null for a trap. */
  ack: (() => void) | null;
}

export interface TrapListener {
  port: number;
  /** The receive buffer the kernel granted (Linux reports twice the size asked, its bookkeeping included). */
  recvBufferBytes: number;
  setCommunities(communities: Iterable<string>): void;
  setUsers(users: snmp.UsmUser[]): void;
  close(): Promise<void>;
}

interface NetSnmpMessage {
  version: number;
  pdu: { type: number };
  toBuffer(): Buffer;
}

interface NetSnmpReceiver {
  listener: { send(message: NetSnmpMessage, rinfo: ReceivedFrom, socket: Socket): void; sockets: Record<string, Socket> };
  getAuthorizer(): {
    communities: string[];
    addCommunity(c: string): void;
    deleteCommunity(c: string): void;
    getUsers(): { name: string }[];
    addUser(u: snmp.UsmUser): void;
    deleteUser(name: string): void;
  };
  close(cb?: () => void): void;
}

const VERSION: Record<number, Received['version']> = { 0: 'V1', 1: 'V2C', 3: 'V3' };

export async function listenForTraps(opts: {
  host: string;
  port: number;
  /** Engine id (hex) SNMPv3 informs are addressed to: the same on every receiver behind one address. */
  engineId?: string;
  /** SO_RCVBUF asked for: a trap storm (a fibre cut's linkDowns) arrives as a burst; the kernel caps it at net.core.rmem_max. */
  recvBufferBytes?: number;
  onNotification(n: Received): void;
  /** Datagrams net-snmp refused (unknown community or user, bad digest, undecodable). */
  onRejected(err: Error & { rinfo?: ReceivedFrom }): void;
}): Promise<TrapListener> {
  let held: { buffer: Buffer; socket: Socket; to: ReceivedFrom } | null = null;
  let version: Received['version'] = 'V2C';
  let failedToBind: Error | null = null;
  const receiver = (snmp as unknown as { createReceiver(o: object, cb: (err: (Error & { rinfo?: ReceivedFrom; code?: string; syscall?: string }) | null, data?: { pdu: ReceivedPdu; rinfo: ReceivedFrom }) => void): NetSnmpReceiver }).createReceiver(
    {
      port: opts.port,
      address: opts.host,
      transport: isIP(opts.host) === 6 ? 'udp6' : 'udp4',
      includeAuthentication: true,
      ...(opts.engineId ? { engineID: opts.engineId } : {}),
    },
    (err, data) => {
      const response = held;
      held = null;
      if (err) {
        if (err.syscall === 'bind') failedToBind = err;
        else opts.onRejected(err);
        return;
      }
      const ack = response ? () => response.socket.send(response.buffer, response.to.port, response.to.address) : null;
      opts.onNotification({ pdu: data!.pdu, from: data!.rinfo, version, ack });
    },
  );
  const listener = receiver.listener;
  const send = listener.send.bind(listener);
  listener.send = (message, to, socket) => {
    if (message.pdu.type === GET_RESPONSE) held = { buffer: message.toBuffer(), socket, to };
    else send(message, to, socket);
  };
  // The message's version is only known inside net-snmp; it is the first field after the
  // sequence header, read here per datagram before net-snmp's own handler runs.
  const socket = Object.values(listener.sockets)[0];
  socket.prependListener('message', (buf: Buffer) => {
    version = VERSION[versionOf(buf)] ?? 'V2C';
  });
  await Promise.race([once(socket, 'listening'), new Promise((_, reject) => socket.once('error', reject))]).catch((err) => {
    throw new OpsError('TRAP_PORT_UNAVAILABLE', `trap receiver cannot listen on UDP ${opts.host}:${opts.port}: ${(err as Error).message}`);
  });
  // Set by the callback above: TypeScript's narrowing cannot see that and takes it for null.
  const bindError = failedToBind as Error | null;
  if (bindError) throw bindError;
  if (opts.recvBufferBytes) socket.setRecvBufferSize(opts.recvBufferBytes);
  const authorizer = receiver.getAuthorizer();
  return {
    port: socket.address().port,
    recvBufferBytes: socket.getRecvBufferSize(),
    setCommunities(communities) {
      const want = new Set(communities);
      for (const c of [...authorizer.communities]) if (!want.has(c)) authorizer.deleteCommunity(c);
      for (const c of want) if (!authorizer.communities.includes(c)) authorizer.addCommunity(c);
    },
    setUsers(users) {
      const want = new Set(users.map((u) => u.name));
      for (const u of authorizer.getUsers()) if (!want.has(u.name)) authorizer.deleteUser(u.name);
      for (const u of users) authorizer.addUser(u); // replaces a user of that name (keys may have changed)
    },
    close: () => new Promise<void>((resolve) => receiver.close(() => resolve())),
  };
}

/** SNMP version field of a message (0 v1, 1 v2c, 3 v3), or -1 when the BER header is not one. */
export function versionOf(buf: Buffer): number {
  if (buf[0] !== 0x30) return -1;
  let i = 2;
  if (buf[1] & 0x80) i += buf[1] & 0x7f; // long-form length
  if (buf[i] !== 0x02 || buf[i + 1] !== 1) return -1;
  return buf[i + 2];
}

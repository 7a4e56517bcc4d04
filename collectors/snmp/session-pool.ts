// One net-snmp session (one UDP socket) per device, reused across polls: no socket churn per poll,
// and requests to one device multiplex on it by request id (and, in v3, the agent's engine id,
// boots and time are discovered once per session, not once per poll). A session is replaced when
// the device's endpoint, credentials or timing change, and closed with the pool.

import { isIP } from 'node:net';
import snmp from 'net-snmp';
import type { SnmpTarget, SnmpV3Target } from './types.js';

export interface PooledSession {
  session: snmp.Session;
  target: SnmpTarget;
  malformed: number; // datagrams on this socket that were not usable SNMP, ever
}

export interface SessionPoolOptions {
  timeoutMs: number;
  retries: number;
  onMalformed: (deviceId: string) => void;
  onSizeChange: (size: number) => void;
}

function sameSession(a: SnmpTarget, b: SnmpTarget): boolean {
  if (a.address !== b.address || a.port !== b.port || a.timeoutMs !== b.timeoutMs || a.retries !== b.retries) return false;
  if (a.version === 'v2c' || b.version === 'v2c') return a.version === 'v2c' && b.version === 'v2c' && a.community === b.community;
  return (
    a.user === b.user &&
    a.authProtocol === b.authProtocol &&
    a.authKey === b.authKey &&
    a.privProtocol === b.privProtocol &&
    a.privKey === b.privKey &&
    (a.context ?? '') === (b.context ?? '')
  );
}

const LEVELS = { noAuthNoPriv: snmp.SecurityLevel.noAuthNoPriv, authNoPriv: snmp.SecurityLevel.authNoPriv, authPriv: snmp.SecurityLevel.authPriv };

/** net-snmp's USM user for an SNMPv3 credential (the poller's sessions and the trap receiver's users). */
export function usmUserOf(c: Pick<SnmpV3Target, 'user' | 'authProtocol' | 'authKey' | 'privProtocol' | 'privKey'>): snmp.UsmUser {
  const level = c.authProtocol === 'none' ? 'noAuthNoPriv' : c.privProtocol === 'none' ? 'authNoPriv' : 'authPriv';
  const user: snmp.UsmUser = { name: c.user, level: LEVELS[level] };
  if (level !== 'noAuthNoPriv') {
    user.authProtocol = snmp.AuthProtocols[c.authProtocol];
    user.authKey = c.authKey;
  }
  if (level === 'authPriv') {
    user.privProtocol = snmp.PrivProtocols[c.privProtocol];
    user.privKey = c.privKey;
  }
  return user;
}

function createSession(target: SnmpTarget, options: snmp.SessionOptions): snmp.Session {
  if (target.version === 'v2c') return snmp.createSession(target.address, target.community, { ...options, version: snmp.Version2c });
  return snmp.createV3Session(target.address, usmUserOf(target), { ...options, version: snmp.Version3, context: target.context ?? '' });
}

export class SessionPool {
  private readonly sessions = new Map<string, PooledSession>();

  constructor(private readonly opts: SessionPoolOptions) {}

  acquire(target: SnmpTarget): PooledSession {
    const existing = this.sessions.get(target.deviceId);
    if (existing && sameSession(existing.target, target)) return existing;
    if (existing) this.release(target.deviceId);
    const entry = this.open(target);
    this.sessions.set(target.deviceId, entry);
    this.opts.onSizeChange(this.sessions.size);
    return entry;
  }

  release(deviceId: string): void {
    const entry = this.sessions.get(deviceId);
    if (!entry) return;
    this.sessions.delete(deviceId);
    this.opts.onSizeChange(this.sessions.size);
    closeQuietly(entry.session);
  }

  closeAll(): void {
    for (const deviceId of [...this.sessions.keys()]) this.release(deviceId);
  }

  private open(target: SnmpTarget): PooledSession {
    const session = createSession(target, {
      port: target.port,
      transport: isIP(target.address) === 6 ? 'udp6' : 'udp4',
      timeout: target.timeoutMs ?? this.opts.timeoutMs,
      retries: target.retries ?? this.opts.retries,
      idBitsSize: 32,
    });
    const entry: PooledSession = { session, target, malformed: 0 };
    const malformed = () => {
      entry.malformed++;
      this.opts.onMalformed(target.deviceId);
    };
    // net-snmp emits 'error' for a datagram it cannot decode; without a listener that would crash
    // the process. It can also throw from inside its response callbacks on a reply that decodes
    // but does not add up, which would escape from the socket's 'message' listener: so the
    // listener is replaced by a guarded one.
    session.on('error', malformed);
    session.dgram.removeAllListeners('message');
    session.dgram.on('message', (buffer: Buffer) => {
      try {
        session.onMsg(buffer);
      } catch {
        malformed();
      }
    });
    return entry;
  }
}

function closeQuietly(session: snmp.Session): void {
  try {
    session.close();
  } catch {
    // a socket that failed to bind is already closed
  }
}

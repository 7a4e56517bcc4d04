// One net-snmp session (one UDP socket) per device, reused across polls: no socket churn per poll,
// and requests to one device multiplex on it by request id. A session is replaced when the
// device's endpoint or credentials change, and closed with the pool.

import { isIP } from 'node:net';
import snmp from 'net-snmp';
import type { SnmpTarget } from './types.js';

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

function sameEndpoint(a: SnmpTarget, b: SnmpTarget): boolean {
  return a.address === b.address && a.port === b.port && a.version === b.version && a.community === b.community;
}

export class SessionPool {
  private readonly sessions = new Map<string, PooledSession>();

  constructor(private readonly opts: SessionPoolOptions) {}

  acquire(target: SnmpTarget): PooledSession {
    const existing = this.sessions.get(target.deviceId);
    if (existing && sameEndpoint(existing.target, target)) return existing;
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
    const session = snmp.createSession(target.address, target.community, {
      port: target.port,
      version: snmp.Version2c,
      transport: isIP(target.address) === 6 ? 'udp6' : 'udp4',
      timeout: this.opts.timeoutMs,
      retries: this.opts.retries,
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

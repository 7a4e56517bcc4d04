// What an unauthenticated or abusive client can hold on this replica's websockets, bounded:
// - a socket that does not send connection_init within initTimeoutMs is closed with 4408
//   (graphql-ws: ConnectionInitialisationTimeout), so idle sockets cannot pile up;
// - a second connection_init on a socket is closed with 4429 (graphql-ws: every init
//   authenticates again, a free loop of key lookups and signature checks otherwise);
// - at most perAddress sockets per client address (refused at the upgrade with HTTP 429 by
//   admit(), which reserves a slot for the upgrade it lets through, so concurrent upgrades do not
//   all pass; a reservation not taken up by an open socket within RESERVATION_MS lapses) and
//   perToken per token subject or API key once authenticated (4429, reason LIMIT_CONNECTIONS);
// - a socket whose subscriptions keep being refused for their rate is closed (4429, LIMIT_RATE):
//   mercurius keeps a little state per refused subscribe until the socket closes.
// Counts are per replica, in memory: a socket lives on one replica.

import type { Principal } from '../auth/principal.js';
import { rateSubject } from '../auth/principal.js';
import { wsRefused } from '../metrics.js';

const RESERVATION_MS = 10_000; // an upgrade admitted but never completed (the client vanished) frees its slot after this

export const WS_CLOSE_INIT_TIMEOUT = 4408;
export const WS_CLOSE_TOO_MANY = 4429;

export interface LimitedSocket {
  close(code?: number, reason?: string): void;
  once(event: 'close', listener: () => void): unknown;
}

export interface SocketLimitOptions {
  initTimeoutMs: number;
  perAddress: number;
  perToken: number;
  /** rate refusals a socket may get before it is closed */
  rateRefusalsBeforeClose: number;
  /** how long the close waits, so the refusals' error frames leave first */
  closeDelayMs: number;
}

interface Tracked {
  address: string;
  timer: NodeJS.Timeout | undefined;
  initialised: boolean;
  subject?: string;
  rateRefusals: number;
}

export class SocketLimits {
  private readonly sockets = new WeakMap<LimitedSocket, Tracked>();
  private readonly byAddress = new Map<string, number>();
  /** address → expiry of each upgrade admitted but not yet open, oldest first */
  private readonly reserved = new Map<string, number[]>();
  private readonly bySubject = new Map<string, number>();

  constructor(private readonly opts: SocketLimitOptions) {}

  /** Before the upgrade: may this address open another socket? If so, a slot is reserved for it. */
  admit(address: string, nowMs: number = Date.now()): boolean {
    const pending = (this.reserved.get(address) ?? []).filter((expiry) => expiry > nowMs);
    const ok = (this.byAddress.get(address) ?? 0) + pending.length < this.opts.perAddress;
    if (ok) pending.push(nowMs + RESERVATION_MS);
    if (pending.length > 0) this.reserved.set(address, pending);
    else this.reserved.delete(address);
    if (!ok) wsRefused.inc({ reason: 'per_address' });
    return ok;
  }

  /** An admitted upgrade was refused after all (its rate): its slot is free again. */
  release(address: string): void {
    const pending = this.reserved.get(address);
    pending?.shift();
    if (pending?.length === 0) this.reserved.delete(address);
  }

  /** A socket was opened: counted, and closed unless connection_init arrives in time. */
  opened(socket: LimitedSocket, address: string): void {
    this.release(address); // its reservation becomes the socket
    const count = (this.byAddress.get(address) ?? 0) + 1;
    this.byAddress.set(address, count);
    const tracked: Tracked = { address, timer: undefined, initialised: false, rateRefusals: 0 };
    this.sockets.set(socket, tracked);
    socket.once('close', () => this.closed(tracked));
    if (count > this.opts.perAddress) {
      wsRefused.inc({ reason: 'per_address' });
      socket.close(WS_CLOSE_TOO_MANY, 'LIMIT_CONNECTIONS: too many websockets from this address');
      return;
    }
    tracked.timer = setTimeout(() => {
      if (tracked.initialised) return;
      wsRefused.inc({ reason: 'init_timeout' });
      socket.close(WS_CLOSE_INIT_TIMEOUT, 'Connection initialisation timeout');
    }, this.opts.initTimeoutMs);
    tracked.timer.unref();
  }

  /** connection_init arrived; false (and the socket closed) when it is not the first. */
  initReceived(socket: LimitedSocket): boolean {
    const tracked = this.sockets.get(socket);
    if (!tracked) return true; // not a socket this replica opened (inject in tests)
    clearTimeout(tracked.timer);
    if (tracked.initialised) {
      wsRefused.inc({ reason: 'repeated_init' });
      socket.close(WS_CLOSE_TOO_MANY, 'Too many initialisation requests');
      return false;
    }
    tracked.initialised = true;
    return true;
  }

  /** The socket authenticated; false (and the socket closed) when its token holds too many. */
  authenticated(socket: LimitedSocket, principal: Principal): boolean {
    const tracked = this.sockets.get(socket);
    if (!tracked) return true;
    const subject = rateSubject(principal);
    const count = (this.bySubject.get(subject) ?? 0) + 1;
    this.bySubject.set(subject, count);
    tracked.subject = subject;
    if (count > this.opts.perToken) {
      wsRefused.inc({ reason: 'per_token' });
      socket.close(WS_CLOSE_TOO_MANY, `LIMIT_CONNECTIONS: at most ${this.opts.perToken} websockets per ${principal.via === 'API_KEY' ? 'API key' : 'token'}`);
      return false;
    }
    return true;
  }

  /** A subscription of this socket was refused for its rate; the socket closes past the allowance. */
  rateRefused(socket: LimitedSocket): void {
    const tracked = this.sockets.get(socket);
    if (!tracked || ++tracked.rateRefusals !== this.opts.rateRefusalsBeforeClose + 1) return;
    wsRefused.inc({ reason: 'rate' });
    // The refusals are still on their way to the client (mercurius sends them a few promise
    // turns after this hook threw): closing now would drop their error frames.
    setTimeout(() => socket.close(WS_CLOSE_TOO_MANY, 'LIMIT_RATE: too many subscriptions refused for their rate'), this.opts.closeDelayMs).unref();
  }

  private closed(tracked: Tracked): void {
    clearTimeout(tracked.timer);
    decrement(this.byAddress, tracked.address);
    if (tracked.subject !== undefined) decrement(this.bySubject, tracked.subject);
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 1) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}

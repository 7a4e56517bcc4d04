// Websockets outlive the credential they were opened with: a wall display stays connected for
// weeks. A connection is closed (4401, so graphql-ws clients reconnect with a fresh credential
// instead of retrying the old one) when its token or key expires, and when its API key is
// revoked on any replica.

import { WS_CLOSE_UNAUTHORIZED } from '../graphql/context.js';
import type { Principal } from '../auth/principal.js';

export interface WatchedSocket {
  close(code?: number, reason?: string): void;
  once?(event: 'close', listener: () => void): unknown;
}

const MAX_TIMER_MS = 2_147_483_647; // setTimeout's limit (~24.8 days); later expiries are re-armed

export class ConnectionWatch {
  private readonly byKey = new Map<string, Set<WatchedSocket>>();

  watch(socket: WatchedSocket, principal: Principal): void {
    let timer: NodeJS.Timeout | undefined;
    const arm = (expiresAtMs: number) => {
      const wait = expiresAtMs - Date.now();
      if (wait <= 0) return socket.close(WS_CLOSE_UNAUTHORIZED, 'UNAUTHENTICATED: TOKEN_EXPIRED');
      timer = setTimeout(() => arm(expiresAtMs), Math.min(wait, MAX_TIMER_MS));
      timer.unref();
    };
    if (principal.expiresAtMs !== undefined) arm(principal.expiresAtMs);
    const keyId = principal.apiKeyId;
    if (keyId !== undefined) {
      let set = this.byKey.get(keyId);
      if (!set) this.byKey.set(keyId, (set = new Set()));
      set.add(socket);
    }
    socket.once?.('close', () => {
      clearTimeout(timer);
      if (keyId === undefined) return;
      const set = this.byKey.get(keyId);
      set?.delete(socket);
      if (set?.size === 0) this.byKey.delete(keyId);
    });
  }

  /** Closes every connection of this replica opened with the key. */
  revoked(keyId: string): void {
    for (const socket of this.byKey.get(keyId) ?? []) socket.close(WS_CLOSE_UNAUTHORIZED, 'UNAUTHENTICATED: API_KEY_INVALID');
    this.byKey.delete(keyId);
  }
}

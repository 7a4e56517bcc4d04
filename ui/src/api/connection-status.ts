// The state of the link to the API as the wall shows it, as a tiny external store
// (useSyncExternalStore) so only the status badge re-renders when it changes.

export type LinkState = 'connecting' | 'live' | 'reconnecting' | 'unauthorized';

export interface LinkStatus {
  state: LinkState;
  detail: string; // e.g. the refusal reason, TOKEN_EXPIRED
}

export class ConnectionStatus {
  private status: LinkStatus = { state: 'connecting', detail: '' };
  private readonly listeners = new Set<() => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private everConnected = false;

  get = (): LinkStatus => this.status;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Called after a websocket reconnect (not the first connect): time to backfill the gap. */
  onReconnected(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  connected(): void {
    const wasReconnect = this.everConnected;
    this.everConnected = true;
    this.set({ state: 'live', detail: '' });
    if (wasReconnect) for (const l of this.reconnectListeners) l();
  }

  disconnected(detail: string): void {
    if (this.status.state === 'unauthorized') return;
    this.set({ state: this.everConnected ? 'reconnecting' : 'connecting', detail });
  }

  unauthorized(reason: string): void {
    this.set({ state: 'unauthorized', detail: reason });
  }

  private set(next: LinkStatus): void {
    if (next.state === this.status.state && next.detail === this.status.detail) return;
    this.status = next;
    for (const l of this.listeners) l();
  }
}

// Reuses one CLI session per device across polls (a login costs a key exchange and, on network
// OSes, often a second or more), opens at most one at a time per device, closes sessions idle
// longer than idleMs, and forgets sessions that died so the next poll logs in again.

import { CliSession, type CliSessionOptions } from './cli-session.js';

interface Slot {
  key: string; // what the session was opened with: a changed address or user means a new session
  session: Promise<CliSession>;
  lastUsed: number;
}

export class SessionPool {
  private slots = new Map<string, Slot>();
  private sweeper: NodeJS.Timeout;

  constructor(
    private readonly idleMs: number,
    private readonly onSizeChange: (size: number) => void,
    private readonly open: (opts: CliSessionOptions) => Promise<CliSession> = CliSession.open,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(1_000, Math.min(idleMs, 30_000)));
    this.sweeper.unref();
  }

  /** The device's live session, or a new one; `opened` says whether this call logged in. */
  async acquire(opts: CliSessionOptions): Promise<{ session: CliSession; opened: boolean }> {
    const t = opts.target;
    const key = `${t.address}|${t.port}|${t.username}|${t.platform}`;
    const slot = this.slots.get(t.deviceId);
    if (slot && slot.key === key) {
      const session = await slot.session.catch(() => null);
      if (session?.alive) {
        slot.lastUsed = Date.now();
        return { session, opened: false };
      }
    }
    if (slot) this.drop(t.deviceId, slot);
    const fresh: Slot = { key, session: this.open(opts), lastUsed: Date.now() };
    this.slots.set(t.deviceId, fresh);
    this.onSizeChange(this.slots.size);
    try {
      return { session: await fresh.session, opened: true };
    } catch (err) {
      if (this.slots.get(t.deviceId) === fresh) this.slots.delete(t.deviceId);
      this.onSizeChange(this.slots.size);
      throw err;
    }
  }

  private drop(deviceId: string, slot: Slot): void {
    this.slots.delete(deviceId);
    slot.session.then((s) => s.close('replaced'), () => undefined);
    this.onSizeChange(this.slots.size);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, slot] of this.slots) if (now - slot.lastUsed > this.idleMs) this.drop(id, slot);
  }

  closeAll(): void {
    clearInterval(this.sweeper);
    for (const [id, slot] of this.slots) this.drop(id, slot);
  }
}

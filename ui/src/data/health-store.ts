// Current health per device for the wall's tiles, as an external store: a tile row re-renders
// when a score changes, nothing else does.

export interface DeviceHealth {
  deviceId: string;
  site: string | null;
  score: number | null; // 0–100; null: no score yet
  ts: number | null; // ms epoch of the score
}

export const HEALTH_BANDS = { good: 80, fair: 50 } as const; // score ≥ good: green; ≥ fair: amber; below: red

export function healthTone(score: number | null): 'good' | 'fair' | 'bad' | 'none' {
  if (score === null || !Number.isFinite(score)) return 'none';
  return score >= HEALTH_BANDS.good ? 'good' : score >= HEALTH_BANDS.fair ? 'fair' : 'bad';
}

export class HealthStore {
  private readonly byDevice = new Map<string, DeviceHealth>();
  private readonly listeners = new Set<() => void>();
  private list: DeviceHealth[] = [];

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getAll = (): DeviceHealth[] => this.list;

  /** A device list (with or without scores); a known newer score is kept. */
  setDevices(devices: readonly DeviceHealth[]): void {
    for (const d of devices) {
      const known = this.byDevice.get(d.deviceId);
      const keepScore = known && known.ts !== null && (d.ts === null || known.ts > d.ts);
      this.byDevice.set(d.deviceId, keepScore ? { ...d, score: known.score, ts: known.ts } : d);
    }
    this.changed();
  }

  update(deviceId: string, score: number, ts: number): void {
    const known = this.byDevice.get(deviceId);
    if (!known || (known.ts !== null && known.ts > ts)) return; // only devices on this wall
    this.byDevice.set(deviceId, { ...known, score, ts });
    this.changed();
  }

  private changed(): void {
    // Worst first: on a wall with more devices than fit, the ones in trouble stay on screen.
    const rank = (d: DeviceHealth) => (d.score === null ? 101 : d.score);
    this.list = [...this.byDevice.values()].sort((a, b) => rank(a) - rank(b) || a.deviceId.localeCompare(b.deviceId));
    for (const l of this.listeners) l();
  }
}

// Reads what the sink keeps in Redis (sinks/redis/last-values.ts: `<prefix>last:<deviceId>` hash
// seriesKey → "<tsMs> <value>", `<prefix>health:<deviceId>` hash ts/score/components), so a new
// subscriber and a device page get the latest values without touching history.

import type { Redis } from 'ioredis';
import type { Logger } from '../../common/log.js';
import type { HealthComponent, HealthScore } from '../../schemas/types.js';

export interface LastValue {
  seriesKey: string;
  ts: number;
  value: number;
}

function parseEntry(seriesKey: string, raw: string | null | undefined): LastValue | null {
  if (!raw) return null;
  const sep = raw.indexOf(' ');
  const ts = Number(raw.slice(0, sep));
  const value = Number(raw.slice(sep + 1));
  return sep > 0 && Number.isFinite(ts) && Number.isFinite(value) ? { seriesKey, ts, value } : null;
}

export class LastValuesReader {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  /** Latest value of the given series, grouped by device; a cache failure is an empty answer. */
  async ofSeries(series: Array<{ deviceId: string; key: string }>): Promise<Map<string, LastValue>> {
    const out = new Map<string, LastValue>();
    const byDevice = new Map<string, string[]>();
    for (const s of series) {
      let keys = byDevice.get(s.deviceId);
      if (!keys) byDevice.set(s.deviceId, (keys = []));
      keys.push(s.key);
    }
    if (byDevice.size === 0) return out;
    try {
      const p = this.redis.pipeline();
      for (const [deviceId, keys] of byDevice) p.hmget(`${this.prefix}last:${deviceId}`, ...keys);
      const results = (await p.exec()) ?? [];
      let i = 0;
      for (const keys of byDevice.values()) {
        const [err, values] = results[i++] ?? [null, []];
        if (err) continue;
        keys.forEach((key, k) => {
          const v = parseEntry(key, (values as Array<string | null>)[k]);
          if (v) out.set(key, v);
        });
      }
    } catch (err) {
      this.logger.warn('reading last values from Redis failed; answering without them', { err });
    }
    return out;
  }

  /** Every cached series value of each device. */
  async ofDevices(deviceIds: readonly string[]): Promise<Map<string, LastValue[]>> {
    const out = new Map<string, LastValue[]>();
    if (deviceIds.length === 0) return out;
    try {
      const p = this.redis.pipeline();
      for (const id of deviceIds) p.hgetall(`${this.prefix}last:${id}`);
      const results = (await p.exec()) ?? [];
      deviceIds.forEach((id, i) => {
        const [err, hash] = results[i] ?? [null, {}];
        const list: LastValue[] = [];
        if (!err) for (const [key, raw] of Object.entries((hash ?? {}) as Record<string, string>)) {
          const v = parseEntry(key, raw);
          if (v) list.push(v);
        }
        list.sort((a, b) => (a.seriesKey < b.seriesKey ? -1 : a.seriesKey > b.seriesKey ? 1 : 0));
        out.set(id, list);
      });
    } catch (err) {
      this.logger.warn('reading last values from Redis failed; answering without them', { err });
    }
    return out;
  }

  async health(deviceIds: readonly string[]): Promise<Map<string, HealthScore>> {
    const out = new Map<string, HealthScore>();
    if (deviceIds.length === 0) return out;
    try {
      const p = this.redis.pipeline();
      for (const id of deviceIds) p.hmget(`${this.prefix}health:${id}`, 'ts', 'score', 'components');
      const results = (await p.exec()) ?? [];
      deviceIds.forEach((deviceId, i) => {
        const [err, values] = results[i] ?? [null, []];
        const [ts, score, components] = (values ?? []) as Array<string | null>;
        if (err || ts == null || score == null) return;
        let parsed: HealthComponent[] = [];
        try {
          parsed = JSON.parse(components ?? '[]') as HealthComponent[];
        } catch {
          // a damaged components field still leaves the score usable
        }
        out.set(deviceId, { deviceId, ts: Number(ts), score: Number(score), components: parsed });
      });
    } catch (err) {
      this.logger.warn('reading health from Redis failed; answering from PostgreSQL', { err });
    }
    return out;
  }
}

// The latest value per series and the health per device, in Redis, so a dashboard paints at once
// instead of querying history. Written after the PostgreSQL commit, one pipeline per batch;
// it is a cache: a failure is logged and counted, never holds the batch.
//
// Key layout (prefix P, default "oc:"):
//   P last:<deviceId>    hash  field <seriesKey> → "<tsMs> <value>"   latest reading of each series
//   P health:<deviceId>  hash  ts → ms, score → 0..100, components → JSON [{name,score,weight,detail}]
//   P devices            set   every deviceId seen, for a wall to list without scanning keys
// A write never replaces a newer reading with an older one (a replay, a late batch): the
// comparison runs in Redis (Lua), so concurrent sinks agree.
import { Redis } from 'ioredis';
import client from 'prom-client';
import type { Logger } from '../../common/log.js';
import type { HealthScore, MetricBatch } from '../../schemas/types.js';

const redisWrites = new client.Counter({ name: 'oc_sink_redis_writes_total', help: 'Redis pipelines written by the sink', labelNames: ['kind', 'result'] });

// KEYS[1] = hash; ARGV = field, ts, value, field, ts, value, ...
const SET_NEWER = `
for i = 1, #ARGV, 3 do
  local cur = redis.call('HGET', KEYS[1], ARGV[i])
  local keep = false
  if cur then
    local sep = string.find(cur, ' ', 1, true)
    if sep and tonumber(string.sub(cur, 1, sep - 1)) > tonumber(ARGV[i + 1]) then keep = true end
  end
  if not keep then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1] .. ' ' .. ARGV[i + 2]) end
end
return 1`;

// KEYS[1] = health hash; ARGV = ts, score, components
const SET_HEALTH = `
local cur = tonumber(redis.call('HGET', KEYS[1], 'ts') or '-1')
if cur > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'ts', ARGV[1], 'score', ARGV[2], 'components', ARGV[3])
return 1`;

type ScriptedRedis = Redis & {
  ocSetNewer(key: string, ...args: (string | number)[]): Promise<number>;
  ocSetHealth(key: string, ts: number, score: number, components: string): Promise<number>;
};

export interface LastValues {
  writeMetrics(batches: MetricBatch[]): Promise<void>;
  /**
   * Folds the batches into the pending last values and returns at once; a flush writes them
   * within `flushEveryMs`. Under load a series is written once per flush instead of once per
   * batch, which keeps Redis and this process off the sink's critical path.
   */
  offerMetrics(batches: MetricBatch[]): void;
  /** Writes what is pending now. */
  flush(): Promise<void>;
  writeHealth(scores: HealthScore[]): Promise<void>;
  close(): Promise<void>;
}

export function keysFor(prefix: string) {
  return {
    last: (deviceId: string) => `${prefix}last:${deviceId}`,
    health: (deviceId: string) => `${prefix}health:${deviceId}`,
    devices: `${prefix}devices`,
  };
}

export const LAST_VALUES_DEFAULTS = { flushEveryMs: 500 };

type Pending = Map<string, Map<string, [number, number]>>; // deviceId → seriesKey → [ts, value]

function fold(into: Pending, batches: MetricBatch[]): void {
  for (const b of batches) {
    let m = into.get(b.deviceId);
    if (!m) into.set(b.deviceId, (m = new Map()));
    for (const s of b.samples) {
      if (!Number.isFinite(s.value)) continue;
      const cur = m.get(s.seriesKey);
      // In place: at sink rates a fresh pair per sample is most of this process's garbage.
      if (!cur) m.set(s.seriesKey, [b.ts, s.value]);
      else if (cur[0] <= b.ts) {
          cur[0] = b.ts;
          cur[1] = s.value;
        }
    }
  }
}

export function createLastValues(opts: { url: string; prefix: string; logger: Logger; flushEveryMs?: number }): LastValues {
  const redis = new Redis(opts.url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true }) as ScriptedRedis;
  redis.on('error', (err) => opts.logger.debug('redis error', { err }));
  redis.defineCommand('ocSetNewer', { numberOfKeys: 1, lua: SET_NEWER });
  redis.defineCommand('ocSetHealth', { numberOfKeys: 1, lua: SET_HEALTH });
  const keys = keysFor(opts.prefix);

  const exec = async (kind: string, build: (p: ReturnType<Redis['pipeline']> & ScriptedRedis) => void) => {
    const p = redis.pipeline() as ReturnType<Redis['pipeline']> & ScriptedRedis;
    build(p);
    try {
      const results = (await p.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed?.[0]) throw failed[0];
      redisWrites.inc({ kind, result: 'ok' });
    } catch (err) {
      redisWrites.inc({ kind, result: 'error' });
      opts.logger.warn('writing last values to Redis failed; dashboards fall back to PostgreSQL', { kind, err });
    }
  };

  const writePending = async (perDevice: Pending) => {
    if (perDevice.size === 0) return;
    await exec('metrics', (p) => {
      p.sadd(keys.devices, ...perDevice.keys());
      for (const [deviceId, series] of perDevice) {
        const args: (string | number)[] = [];
        for (const [key, [ts, value]] of series) args.push(key, ts, value);
        if (args.length > 0) void p.ocSetNewer(keys.last(deviceId), ...args); // queued: exec() reports the outcome
      }
    });
  };
  let pending: Pending = new Map();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = new Map();
    writing = writing.then(() => writePending(batch)); // one flush at a time, in order
    return writing;
  };

  return {
    async writeMetrics(batches) {
      const perDevice: Pending = new Map();
      fold(perDevice, batches);
      await writePending(perDevice);
    },
    offerMetrics(batches) {
      fold(pending, batches);
      timer ??= setTimeout(() => void flush(), opts.flushEveryMs ?? LAST_VALUES_DEFAULTS.flushEveryMs);
    },
    flush,
    async writeHealth(scores) {
      if (scores.length === 0) return;
      await exec('health', (p) => {
        p.sadd(keys.devices, ...new Set(scores.map((s) => s.deviceId)));
        for (const s of scores) void p.ocSetHealth(keys.health(s.deviceId), s.ts, s.score, JSON.stringify(s.components));
      });
    },
    async close() {
      await flush();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

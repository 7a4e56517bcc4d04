// Composition root of the `api` role: PostgreSQL pool → GraphQL server → listener → the
// telemetry.live consumer that feeds subscriptions. Every replica reads all live partitions
// (a group of its own, never committed, starting at the end): each fans out to its own clients.
import { hostname } from 'node:os';
import pg from 'pg';
import { defineSettings, loadConfig } from '../common/config.js';
import { createLogger } from '../common/log.js';
import { runRole } from '../common/role.js';
import { opsSettings } from '../common/settings.js';
import { connectStreams, streamSettings, type Streams, type StreamConsumer } from '../streams/index.js';
import type { LiveBatch } from '../schemas/types.js';
import { API_DEFAULTS } from './defaults.js';
import { JWT_DEFAULTS } from './auth/jwt.js';
import { buildApiServer, type ApiServer } from './server.js';

export const apiSettings = defineSettings({
  ...streamSettings,
  ...opsSettings,
  databaseUrl: { kind: 'url', env: 'DATABASE_URL', default: 'postgres://postgres@127.0.0.1:15432/opsconductor', doc: 'PostgreSQL / TimescaleDB the API reads' },
  host: { kind: 'string', env: 'API_HOST', default: API_DEFAULTS.host, doc: 'address the API listens on' },
  port: { kind: 'int', env: 'API_PORT', default: API_DEFAULTS.port, min: 0, max: 65_535, doc: 'port of the API and the dashboard' },
  jwtSecret: { kind: 'secret', env: 'API_JWT_SECRET', min: JWT_DEFAULTS.minSecretLength, doc: `HS256 secret for tokens (at least ${JWT_DEFAULTS.minSecretLength} characters; the token command uses the same)` },
  uiDir: { kind: 'string', env: 'API_UI_DIR', default: API_DEFAULTS.uiDir, doc: 'folder of the built dashboard' },
  corsOrigins: { kind: 'list', env: 'API_CORS_ORIGINS', default: [], doc: 'browser origins allowed to call the API (comma separated)' },
  replicaId: { kind: 'string', env: 'API_REPLICA_ID', default: `${hostname()}-${process.pid}`, doc: 'name of this replica (its live consumer group)' },
});

export async function runApiRole(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(apiSettings, env);
  const logger = createLogger({ role: 'api' });
  const pool = new pg.Pool({ connectionString: config.databaseUrl, application_name: 'opsconductor-api', statement_timeout: API_DEFAULTS.dbStatementTimeoutMs, max: 10 });
  pool.on('error', (err) => logger.warn('idle PostgreSQL connection failed', { err }));
  let server!: ApiServer;
  let streams!: Streams;
  let live!: StreamConsumer;
  return runRole({ role: 'api', opsHost: config.opsHost, opsPort: config.opsPort, logger }, [
    {
      name: 'graphql',
      start: async () => {
        server = await buildApiServer({ pool, jwtSecret: config.jwtSecret, uiDir: config.uiDir, corsOrigins: config.corsOrigins, logger });
        const url = await server.app.listen({ host: config.host, port: config.port });
        logger.info('api listening', { url });
      },
      stop: async () => {
        await server.app.close();
        await pool.end();
      },
      ready: async () => (await pool.query('SELECT 1').catch(() => null)) !== null,
    },
    {
      name: 'streams',
      start: async () => {
        streams = await connectStreams({ config, clientId: `api-${config.replicaId}`, logger, writes: [] });
      },
      stop: () => streams.close(),
    },
    {
      name: 'live-feed',
      start: async () => {
        live = streams.consumer({
          groupId: `api-live-${config.replicaId}`,
          topics: [streams.topics.live],
          stateless: true,
          fromBeginning: false,
          handler: async (records) => {
            for (const r of records) await server.publishLive(r.value as LiveBatch);
          },
        });
        await live.start();
      },
      stop: () => live.stop(),
      ready: () => live.isReady(),
    },
  ]);
}

// Composition root of the `api` role: PostgreSQL pool → Kafka (producer for inventory changes)
// → GraphQL server → listener → the consumers that feed subscriptions (telemetry.live,
// telemetry.anomalies, telemetry.health). Every replica reads all partitions of those topics
// (groups of its own, never committed, starting at the end): each fans out to its own clients;
// what a person does on one replica reaches the others through Redis (live/event-bus.ts).
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { loadConfig } from '../common/config.js';
import { createLogger } from '../common/log.js';
import { runRole } from '../common/role.js';
import { connectStreams, type Streams } from '../streams/index.js';
import { kafkaInventoryPublisher } from './admin/inventory.js';
import { kafkaAlarmOps } from './alarms/alarm-ops.js';
import { followAlarmOperations, type AlarmFeed } from '../alarms/alarm-feed.js';
import { parentDownOf } from '../alarms/parent-down-settings.js';
import { scheduleAlarmCompaction } from './alarms/alarm-compaction.js';
import { openCredentialStore } from './admin/credentials.js';
import { API_DEFAULTS } from './defaults.js';
import { ApiError } from './errors.js';
import { startFeeds, type Feeds } from './feeds.js';
import { buildApiServer, type ApiServer } from './server.js';
import { jwtConfigOf } from './auth/token-verifier.js';
import { apiSettings, jwtSettingsFrom, limitsFrom } from './settings.js';
import { followRules } from '../devices/rule-set.js';

export { apiSettings } from './settings.js';

function readPublicKey(file: string): string | undefined {
  if (file === 'none') return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ApiError('CONFIG_INVALID', `API_JWT_PUBLIC_KEY_FILE names ${file}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export async function runApiRole(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(apiSettings, env);
  const logger = createLogger({ role: 'api' });
  // Checked before anything starts: an identity provider without issuer or audience, HS256 on
  // without a secret… stop the role here with CONFIG_INVALID naming the setting.
  const { secret: jwtSecret, ...jwt } = jwtSettingsFrom(config, readPublicKey(config.jwtPublicKeyFile));
  jwtConfigOf({ ...jwt, secret: jwtSecret });
  const credentials = openCredentialStore(env);
  const pool = new pg.Pool({ connectionString: config.databaseUrl, application_name: 'opsconductor-api', statement_timeout: API_DEFAULTS.dbStatementTimeoutMs, max: 10 });
  pool.on('error', (err) => logger.warn('idle PostgreSQL connection failed', { err }));
  const rules = followRules(config.rulesDir, config.rulesReloadMs, logger);
  let server!: ApiServer;
  let streams!: Streams;
  let feeds: Feeds | undefined;
  let alarmFeed: AlarmFeed | undefined;
  let stopCompaction: (() => void) | undefined;
  return runRole({ role: 'api', opsHost: config.opsHost, opsPort: config.opsPort, logger }, [
    {
      name: 'streams',
      start: async () => {
        streams = await connectStreams({ config, clientId: `api-${config.replicaId}`, logger, writes: ['inventory', 'alarmOperations'] });
      },
      stop: () => streams.close(),
    },
    {
      // Silences and maintenance windows: every replica reads the whole topic into its own book.
      name: 'alarm operations',
      start: async () => {
        alarmFeed = await followAlarmOperations(streams, { groupPrefix: `api-${config.replicaId}`, logger, onChange: (_key, op) => op && (server as ApiServer | undefined)?.publishAlarmOperation(op) });
        await alarmFeed.caughtUp;
      },
      stop: async () => alarmFeed?.stop(),
      ready: () => alarmFeed?.isReady() ?? false,
    },
    {
      name: 'graphql',
      start: async () => {
        server = await buildApiServer({
          pool,
          jwtSecret,
          jwt,
          uiDir: config.uiDir,
          corsOrigins: config.corsOrigins,
          logger,
          limits: limitsFrom(config),
          redis: config.redisUrl === 'off' ? undefined : { url: config.redisUrl, keyPrefix: config.redisKeyPrefix, sinkKeyPrefix: config.sinkRedisKeyPrefix },
          inventory: kafkaInventoryPublisher(streams),
          alarms: kafkaAlarmOps(streams, alarmFeed!.book),
          parentDown: parentDownOf({ ...config, parentDownSettleMs: 0 })?.upstream ?? null,
          credentials,
          rules: () => rules.current().rules,
          readinessChecks: [{ name: 'kafka', check: () => feeds?.ready() ?? false }],
        });
        const url = await server.app.listen({ host: config.host, port: config.port });
        logger.info('api listening', { url });
        stopCompaction = scheduleAlarmCompaction(pool, streams, alarmFeed!.book, logger);
      },
      stop: async () => {
        rules.stop();
        stopCompaction?.();
        await server.app.close();
        await pool.end();
      },
      ready: async () => (await pool.query('SELECT 1').catch(() => null)) !== null && (await server.redisReady()),
    },
    {
      name: 'feeds',
      start: async () => {
        feeds = await startFeeds(streams, server, config.replicaId);
      },
      stop: async () => feeds?.stop(),
      ready: () => feeds?.ready() ?? false,
    },
  ]);
}

// Composition root of the `sink` role: telemetry.metrics → PostgreSQL. Migrations run first (safe
// from several replicas at once), then the consumer; on stop the batch in hand commits first.
import pg from 'pg';
import { loadConfig } from '../common/config.js';
import { createLogger } from '../common/log.js';
import { OpsError } from '../common/errors.js';
import { runRole } from '../common/role.js';
import { connectStreams, type Streams, type StreamConsumer } from '../streams/index.js';
import { sinkSettings } from './settings.js';
import { migrate } from './timescale/migrations.js';
import { createMetricsSink } from './timescale/metrics-sink.js';

export async function runSinkRole(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(sinkSettings, env);
  const logger = createLogger({ role: 'sink' });
  const db = new pg.Client({ connectionString: config.databaseUrl, application_name: 'opsconductor-sink' });
  let streams!: Streams;
  let consumer!: StreamConsumer;
  return runRole({ role: 'sink', opsHost: config.opsHost, opsPort: config.opsPort, logger }, [
    {
      name: 'postgres',
      start: async () => {
        try {
          await db.connect();
        } catch (err) {
          throw new OpsError('SINK_WRITE_FAILED', `cannot connect to PostgreSQL at DATABASE_URL (${new URL(config.databaseUrl).host}): ${(err as Error).message}`, { canRetry: true, cause: err });
        }
        const applied = await migrate(db);
        logger.info('migrations applied', { applied });
      },
      stop: () => db.end(),
    },
    {
      name: 'streams',
      start: async () => {
        streams = await connectStreams({ config, clientId: 'sink', logger, writes: [] });
      },
      stop: () => streams.close(),
    },
    {
      name: 'metrics-sink',
      start: async () => {
        const sink = createMetricsSink({ client: db, groupId: config.groupId, logger });
        consumer = streams.consumer({ groupId: config.groupId, topics: [streams.topics.metrics], handler: async (records) => void (await sink.write(records)) });
        await consumer.start();
      },
      stop: () => consumer.stop(),
      ready: () => consumer.isReady(),
    },
  ]);
}

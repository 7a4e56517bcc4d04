// Composition root of the `notifier` role: telemetry.anomalies → webhooks / e-mail by route.
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/log.js';
import { runRole } from '../../common/role.js';
import { connectStreams, type Streams } from '../../streams/index.js';
import { notifySettings, smtpOptionsOf } from './settings.js';
import { loadRoutes } from './routes.js';
import { parentDownOf } from '../../alarms/parent-down-settings.js';
import { startNotifier, type Notifier } from './notifier.js';

export async function runNotifierRole(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(notifySettings, env);
  const logger = createLogger({ role: 'notifier' });
  const routes = loadRoutes(config.routesFile); // fails at start on a bad file, not on the first page
  const smtp = smtpOptionsOf(config);
  const parentDown = parentDownOf(config) ?? undefined;
  logger.info('routes loaded', { routes: routes.map((r) => r.name) });
  let streams!: Streams;
  let notifier!: Notifier;
  return runRole({ role: 'notifier', opsHost: config.opsHost, opsPort: config.opsPort, logger }, [
    {
      name: 'streams',
      start: async () => {
        streams = await connectStreams({ config, clientId: 'notifier', logger, writes: [] });
      },
      stop: () => streams.close(),
    },
    {
      name: 'notifier',
      start: async () => {
        notifier = await startNotifier({ streams, groupId: config.groupId, routes, quietMs: config.quietMs, logger, redisUrl: config.redisUrl, smtp, parentDown });
      },
      stop: () => notifier.stop(),
      ready: () => notifier.ready(),
    },
  ]);
}

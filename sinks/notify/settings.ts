// Settings of the `notifier` role: Kafka (shared), ops endpoints, and where the routes live.
import { defineSettings } from '../../common/config.js';
import { opsSettings } from '../../common/settings.js';
import { streamSettings } from '../../streams/settings.js';

export const notifySettings = defineSettings({
  ...streamSettings,
  ...opsSettings,
  routesFile: { kind: 'string', env: 'NOTIFY_ROUTES_FILE', doc: 'YAML file listing the notification routes (match → webhook / email)' },
  groupId: { kind: 'string', env: 'NOTIFY_GROUP', default: 'notifier', doc: 'consumer group of notifier replicas' },
  redisUrl: { kind: 'string', env: 'REDIS_URL', default: 'off', doc: 'Redis remembering delivered notifications across restarts ("off": in-memory only)' },
  quietMs: { kind: 'int', env: 'NOTIFY_QUIET_MS', default: 15 * 60_000, min: 0, doc: 'ms of event time after a page (OPEN) during which the same series does not page again' },
});

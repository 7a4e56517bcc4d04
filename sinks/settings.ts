import { defineSettings } from '../common/config.js';
import { opsSettings } from '../common/settings.js';
import { streamSettings } from '../streams/settings.js';

export const sinkSettings = defineSettings({
  ...streamSettings,
  ...opsSettings,
  databaseUrl: { kind: 'url', env: 'DATABASE_URL', default: 'postgres://postgres@127.0.0.1:15432/opsconductor', doc: 'PostgreSQL / TimescaleDB the sink writes to' },
  groupId: { kind: 'string', env: 'SINK_GROUP', default: 'sink-timescale', doc: 'consumer group of sink replicas' },
});

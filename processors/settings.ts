import { defineSettings } from '../common/config.js';
import { opsSettings } from '../common/settings.js';
import { streamSettings } from '../streams/settings.js';

export const processorSettings = defineSettings({
  ...streamSettings,
  ...opsSettings,
  groupId: { kind: 'string', env: 'PROCESSOR_GROUP', default: 'processors', doc: 'consumer group of processor replicas' },
});

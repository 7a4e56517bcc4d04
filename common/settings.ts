// Settings every role has: where its operations endpoints listen.
import { defineSettings } from './config.js';

export const opsSettings = defineSettings({
  opsHost: { kind: 'string', env: 'OPS_HOST', default: '127.0.0.1', doc: 'address of /healthz, /readyz and /metrics' },
  opsPort: { kind: 'int', env: 'OPS_PORT', default: 0, min: 0, max: 65_535, doc: 'port of /healthz, /readyz and /metrics (0: any free port, logged at start)' },
});

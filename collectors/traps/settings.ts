import { hostname } from 'node:os';
import { defineSettings } from '../../common/config.js';
import { opsSettingsFor } from '../../common/settings.js';
import { streamSettings } from '../../streams/settings.js';
import { HOUR_MS } from '../../common/time-units.js';

export const trapSettings = defineSettings({
  ...streamSettings,
  ...opsSettingsFor('traps'),
  receiverId: { kind: 'string', env: 'TRAP_RECEIVER_ID', default: `${hostname()}-${process.pid}`, defaultText: '<host>-<pid>', doc: 'name of this receiver in trap records and metrics' },
  host: { kind: 'string', env: 'TRAP_HOST', default: '0.0.0.0', doc: 'address the UDP trap listener binds (:: for IPv6)' },
  // 162 is the standard port, but binding it needs root or CAP_NET_BIND_SERVICE: the default is
  // an unprivileged one, and production sets 162 (or maps 162 to it in the load balancer).
  // No 0 ("any free port"): net-snmp's receiver takes 0 as unset and would bind 162.
  port: { kind: 'int', env: 'TRAP_PORT', default: 10_162, min: 1, max: 65_535, doc: 'UDP port traps and informs arrive on (162 in production, which needs CAP_NET_BIND_SERVICE)' },
  recvBufferBytes: { kind: 'int', env: 'TRAP_RECV_BUFFER_BYTES', default: 4_194_304, min: 65_536, max: 268_435_456, doc: 'UDP receive buffer asked for, so a burst of traps is not dropped by the kernel before it is read (capped by net.core.rmem_max: raise that sysctl to match)' },
  engineId: { kind: 'string', env: 'TRAP_ENGINE_ID', default: '', doc: 'SNMPv3 engine id (hex) informs are sent to; set the same on every receiver behind one address (empty: a random one per process)' },
  dedupWindowMs: { kind: 'int', env: 'TRAP_DEDUP_WINDOW_MS', default: 60_000, min: 0, max: HOUR_MS, doc: 'a notification with the same source, request id and varbinds within this window is published once' },
  extraCredentials: { kind: 'list', env: 'TRAP_CREDENTIALS', default: [], doc: 'comma-separated credential names accepted besides those the inventory devices name (communities and SNMPv3 users of trap-only senders)' },
});

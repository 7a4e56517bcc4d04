import { Counter } from 'prom-client';
import { once } from '../../common/metrics.js';

function counter(name: string, help: string, labelNames: string[]): Counter {
  return once(name, () => new Counter({ name, help, labelNames }));
}

export const notifyMetrics = {
  sent: counter('oc_notify_sent_total', 'notifications delivered', ['channel', 'route']),
  failed: counter('oc_notify_failed_total', 'notifications given up after the last retry', ['channel', 'route']),
  suppressed: counter('oc_notify_suppressed_total', 'anomaly events not delivered on purpose (update, quiet, duplicate, no-route, silenced, maintenance, acknowledged, parent-down)', ['reason']),
  escalated: counter('oc_notify_escalated_total', 'OPEN pages re-sent to a second route after staying unacknowledged', ['route', 'to']),
};

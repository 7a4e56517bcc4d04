// Anomaly.suppressedBy and Anomaly.suppressing: parent-down suppression judged by the notifier's own
// rules (alarms/parent-down.ts) from what this replica holds: the topology (inventory.links, in
// memory) and the open device-down anomalies (anomaly_events), so the dashboard shows dimmed
// exactly what the notifier does not page. One query pair per batch (a page of the list, one
// subscription event), and nothing at all when suppression is off.
import { DEVICE_DOWN_DETECTORS, parentDown, type Upstream } from '../../alarms/parent-down.js';
import type { AnomalyRow } from '../anomalies/anomalies-query.js';
import type { ApiServices } from '../graphql/context.js';
import type { TopologyStore } from '../topology/topology-store.js';

export interface ParentDownMark {
  /** The down device this anomaly's device is reachable only through; null when none. */
  suppressedBy: { deviceId: string; anomalyId: string | null } | null;
  /** For the open device-down anomaly of a root cause: how many devices it cuts off. */
  suppressing: number;
}

const NONE: ParentDownMark = { suppressedBy: null, suppressing: 0 };

export async function parentDownMarks(db: ApiServices['db'], topology: TopologyStore, upstream: Upstream | null, anomalies: readonly AnomalyRow[]): Promise<Map<string, ParentDownMark>> {
  const marks = new Map<string, ParentDownMark>(anomalies.map((a) => [a.id, NONE]));
  if (!upstream || topology.size === 0 || !anomalies.some((a) => a.isOpen)) return marks;
  const [downRows, siteRows] = await Promise.all([
    // The earliest open device-down anomaly of each device names its outage (as the notifier does).
    db.query<{ deviceId: string; id: string }>(
      `select distinct on (device_id) device_id as "deviceId", anomaly_id as id from anomaly_events
       where state <> 'CLOSE' and detector = any($1::text[]) order by device_id, started_at, anomaly_id`,
      [[...DEVICE_DOWN_DETECTORS]],
    ),
    upstream.sites.length > 0 ? db.query<{ deviceId: string; site: string }>(`select device_id as "deviceId", site from devices where site = any($1::text[])`, [upstream.sites]) : { rows: [] },
  ]);
  const downAnomaly = new Map(downRows.rows.map((r) => [r.deviceId, r.id]));
  // A subscription event may be read before the sink stored it: it counts as down already.
  for (const a of anomalies) if (a.isOpen && DEVICE_DOWN_DETECTORS.has(a.detector) && !downAnomaly.has(a.deviceId)) downAnomaly.set(a.deviceId, a.id);
  if (downAnomaly.size === 0) return marks;
  const sites = new Map(siteRows.rows.map((r) => [r.deviceId, r.site]));
  const view = parentDown({ links: topology.links(), siteOf: (d) => sites.get(d), down: downAnomaly, upstream });
  for (const a of anomalies) {
    if (!a.isOpen) continue;
    const cause = view.suppressedBy(a.deviceId, a.detector, a.id);
    const suppressing = downAnomaly.get(a.deviceId) === a.id ? view.behind(a.deviceId) : 0;
    if (cause || suppressing) marks.set(a.id, { suppressedBy: cause ? { deviceId: cause, anomalyId: downAnomaly.get(cause) ?? null } : null, suppressing });
  }
  return marks;
}

// Anomaly.silenced: what holds an open anomaly's page back now, by the notifier's own rules
// (alarms/alarm-book.ts), with the device's site and role from the devices table. Used by the
// loader (a page of the list) and by the fan-out (once per subscription event).
import type { AlarmBook, Suppression } from '../../alarms/alarm-book.js';
import type { AnomalyRow } from '../anomalies/anomalies-query.js';
import { devicesByIds } from '../devices/devices-query.js';
import type { ApiServices } from '../graphql/context.js';

/** What holds each open anomaly's page back now, with site and role from one devices query. */
export async function suppressionsOf(db: ApiServices['db'], book: AlarmBook, anomalies: readonly AnomalyRow[]): Promise<Map<string, Suppression | null>> {
  const devices = await devicesByIds(db, anomalies.map((a) => a.deviceId));
  const now = Date.now();
  return new Map(anomalies.map((a) => {
    const d = devices.get(a.deviceId);
    return [a.id, a.isOpen ? book.suppressionOf({ deviceId: a.deviceId, site: d?.site, role: d?.role, detector: a.detector, severity: a.severity }, now, a.startedAt) : null];
  }));
}

// What a notification says: the webhook JSON and the e-mail text of one anomaly event.
import type { AnomalyEvent } from '../../schemas/types.js';
import type { DeviceFacts } from './routes.js';

/** escalatedFrom: the route whose page stayed unacknowledged (an escalation), else undefined. */
export function webhookPayload(ev: AnomalyEvent, route: string, device: DeviceFacts, escalatedFrom?: string) {
  const deliveryId = `${ev.anomalyId}:${escalatedFrom ? 'ESCALATED' : ev.state}`;
  const { suppressing, ...facts } = device;
  return { kind: 'opsconductor.anomaly', route, deliveryId, ...(escalatedFrom ? { escalatedFrom } : {}), ...(suppressing ? { suppressing } : {}), device: { id: ev.deviceId, ...facts }, anomaly: ev };
}

export function mailOf(ev: AnomalyEvent, device: DeviceFacts, escalatedFrom?: string): { subject: string; text: string } {
  const what = escalatedFrom ? `ESCALATED (unacknowledged on ${escalatedFrom})` : ev.state === 'OPEN' ? 'OPEN' : 'RESOLVED';
  const subject = `[${ev.severity}] ${what}: ${ev.deviceId} ${ev.metric}`;
  const lines = [
    `${what} anomaly on ${ev.deviceId}${device.site ? ` (site ${device.site}` + (device.role ? `, role ${device.role})` : ')') : ''}`,
    `Series:   ${ev.seriesKey}`,
    `Severity: ${ev.severity} (score ${ev.score.toFixed(2)}, ${ev.detector})`,
    `Reason:   ${ev.reason}`,
    `Started:  ${new Date(ev.startedAt).toISOString()}`,
  ];
  if (device.suppressing) lines.push(`Behind:   ${device.suppressing} device(s) reachable only through ${ev.deviceId}: their anomalies are not paged`);
  if (ev.endedAt !== null) lines.push(`Ended:    ${new Date(ev.endedAt).toISOString()}`);
  lines.push(`Anomaly:  ${ev.anomalyId}`);
  return { subject, text: lines.join('\n') + '\n' };
}

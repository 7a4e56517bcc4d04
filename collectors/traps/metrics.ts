// Prometheus metrics of the trap receiver (default registry, oc_ prefix), created once per process.
import client from 'prom-client';
import { once } from '../../common/metrics.js';

export function trapMetrics() {
  return {
    received: once('oc_traps_received_total', () => new client.Counter({ name: 'oc_traps_received_total', help: 'Notifications received, by SNMP version and PDU (TRAP|INFORM).', labelNames: ['version', 'pdu'] })),
    published: once('oc_traps_published_total', () => new client.Counter({ name: 'oc_traps_published_total', help: 'Notifications published to telemetry.raw.trap.' })),
    duplicates: once('oc_traps_duplicates_total', () => new client.Counter({ name: 'oc_traps_duplicates_total', help: 'Notifications dropped as copies of one published within the de-duplication window (informs among them are acknowledged again).' })),
    deadLettered: once(
      'oc_traps_dead_lettered_total',
      () => new client.Counter({ name: 'oc_traps_dead_lettered_total', help: 'Notifications sent to telemetry.dlq instead of telemetry.raw.trap, by reason (TRAP_UNKNOWN_SOURCE, TRAP_AMBIGUOUS_SOURCE, TRAP_MALFORMED).', labelNames: ['code'] }),
    ),
    rejected: once('oc_traps_rejected_total', () => new client.Counter({ name: 'oc_traps_rejected_total', help: 'Datagrams the SNMP layer refused before they were a notification: unknown community or user, failed authentication, undecodable.' })),
    publishFailures: once('oc_traps_publish_failures_total', () => new client.Counter({ name: 'oc_traps_publish_failures_total', help: 'Notifications that could not be published to Kafka (an inform among them stays unacknowledged, so its sender re-sends it).' })),
    sources: once('oc_traps_inventory_devices', () => new client.Gauge({ name: 'oc_traps_inventory_devices', help: 'Active inventory devices the receiver matches sources against.' })),
  };
}

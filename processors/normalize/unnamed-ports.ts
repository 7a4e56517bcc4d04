// Ports an SSH or MCP reading could not name as an interface (port-names.ts) keep the platform's
// number as `port=<n>`. The operator hears of each device and port once (a log line, not one per
// reading: a CLI poll repeats every port every few seconds), and a counter says how many readings
// are so labelled, so a dashboard of "port=9" series can be traced to a device without SNMP names.
import client from 'prom-client';
import type { Logger } from '../../common/log.js';
import { once } from '../../common/metrics.js';

/** Distinct (device, port) remembered for the once-only log; past it the memory starts over. */
const REMEMBERED_MAX = 100_000;

export interface UnnamedPortReport {
  (deviceId: string, source: string, ports: readonly string[]): void;
}

export function unnamedPortReporter(logger: Logger): UnnamedPortReport {
  const readings = once('oc_processor_unnamed_port_readings_total', () => new client.Counter({ name: 'oc_processor_unnamed_port_readings_total', help: 'Port readings (SSH CLI, Ciena MCP) labelled port=<platform number> because no interface name of the device matched, by source.', labelNames: ['source'] }));
  const ports = once('oc_processor_unnamed_ports', () => new client.Gauge({ name: 'oc_processor_unnamed_ports', help: 'Distinct device ports seen without an interface name since the processor started.' }));
  const seen = new Set<string>();
  return (deviceId, source, unnamed) => {
    if (unnamed.length === 0) return;
    readings.inc({ source }, unnamed.length);
    for (const port of unnamed) {
      const key = `${deviceId}\0${source}\0${port}`;
      if (seen.has(key)) continue;
      if (seen.size >= REMEMBERED_MAX) seen.clear();
      seen.add(key);
      ports.set(seen.size);
      logger.warn('port readings keep the platform port number: no interface of the device matches it (yet: names come from its SNMP interface polls)', { deviceId, source, port });
    }
  };
}

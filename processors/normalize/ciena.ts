// normalize (Ciena MCP): PM → optical power per port in the shared optical family; ALARM → the
// number of active alarms per severity; INVENTORY → whether MCP is in sync with the element.
// Every reading also says whether MCP answered (ciena_collect_ok per kind). Gauges only, no state.
import { wattsToDbm } from '../../devices/optical-dom.js';
import type { MetricBatch, RawCienaReading } from '../../schemas/types.js';
import { batchBuilder } from './batch-builder.js';
import { NO_LIGHT_FLOOR_DBM, OPTICAL, powerLabels } from './optical-family.js';
import { NO_INTERFACE_NAMES, portNamer } from './port-names.js';

export const CIENA_METRICS = {
  collectOk: 'ciena_collect_ok',
  alarmsActive: 'alarms_active',
  synchronized: 'mcp_synchronized',
} as const;

/**
 * Severities always reported, 0 when none is active: a gauge that simply stops when the last
 * alarm of a severity clears would keep showing its last count. (MCP's list, mcp-resources.ts.)
 */
export const ALARM_SEVERITIES = ['CRITICAL', 'MAJOR', 'MINOR', 'WARNING', 'INDETERMINATE', 'INFO'] as const;

// PM parameter names after the adapter's mapping (collectors/ciena/pm-adapter.ts): OPR received, OPT transmitted.
const PM_DIRECTION: Record<string, 'rx' | 'tx' | undefined> = { OPR: 'rx', OPT: 'tx' };

/** dBm of a PM value, whichever power unit MCP reported; null for a unit that is not optical power. */
function toDbm(value: number, unit: string): number | null {
  const u = unit.trim().toLowerCase();
  if (u === 'dbm') return value;
  if (u === 'mw') return wattsToDbm(value / 1000) ?? NO_LIGHT_FLOOR_DBM;
  if (u === 'uw' || u === 'µw') return wattsToDbm(value / 1e6) ?? NO_LIGHT_FLOOR_DBM;
  return null;
}

/**
 * `names`: the element's interface names by ifIndex (its SNMP polls): a PM facility "1-2" is
 * labelled by the interface "1/2" it is (devices/port-interfaces.ts), else `port` and listed in `unnamed`.
 */
export function normalizeCiena(reading: RawCienaReading, names: ReadonlyMap<string, string> = NO_INTERFACE_NAMES, unnamed = new Set<string>()): MetricBatch {
  const b = batchBuilder(reading.deviceId, 'ciena', reading.readAt);
  b.add(CIENA_METRICS.collectOk, 'ratio', reading.error ? 0 : 1, { kind: reading.kind });
  if (reading.error) return b.batch;

  if (reading.kind === 'PM') {
    const name = portNamer('mcp', names, unnamed);
    for (const v of reading.values) {
      const direction = PM_DIRECTION[v.name];
      if (!direction || v.port === '' || !Number.isFinite(v.value)) continue;
      const family = direction === 'rx' ? OPTICAL.rx : OPTICAL.tx;
      const named = name(v.port);
      b.add(family.metric, family.unit, toDbm(v.value, v.unit), powerLabels(named.key, named.port, null, direction));
    }
  } else if (reading.kind === 'ALARM') {
    if (reading.alarms === null) return b.batch; // no list read: counts unknown, not zero
    const counts = new Map<string, number>(ALARM_SEVERITIES.map((s) => [s, 0]));
    for (const a of reading.alarms) {
      const severity = (a.severity || 'INDETERMINATE').trim().toUpperCase();
      counts.set(severity, (counts.get(severity) ?? 0) + 1);
    }
    for (const [severity, n] of counts) b.add(CIENA_METRICS.alarmsActive, 'count', n, { severity });
  } else if (reading.kind === 'INVENTORY') {
    const sync = reading.values.find((v) => v.name === 'synchronized');
    if (sync && Number.isFinite(sync.value)) b.add(CIENA_METRICS.synchronized, 'ratio', sync.value >= 0.5 ? 1 : 0);
  }
  return b.batch;
}

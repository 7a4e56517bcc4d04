// normalize (SSH CLI): one command's capture → the optical family (same names and labels as the
// SNMP DOM, so one port is one series whichever way it was read), interface state, and whether
// the command worked at all. Gauges only, so no state. Parsed values arrive as
// { name, index, unit, value } from collectors/ssh/parsers; lanes as index "<port>:lane<N>".
import { cliPlatformId } from '../../devices/cli-platforms.js';
import type { MetricBatch, ParsedValue, RawSshCapture } from '../../schemas/types.js';
import { batchBuilder } from './batch-builder.js';
import { OPTICAL, portLabels, powerLabels, splitLane } from './optical-family.js';
import { NO_INTERFACE_NAMES, portNamer, type PortNamer } from './port-names.js';

export const SSH_METRICS = {
  collectOk: 'ssh_collect_ok',
  operUp: 'if_oper_up',
  adminUp: 'if_admin_up',
  laserOn: 'optical_laser_on',
} as const;

// The parser's unit must be the one we expect: a parser change is then a gap, not a wrong unit.
const byName: Record<string, { unit: string; emit(v: ParsedValue, name: PortNamer, add: Add): void }> = {
  rx_power: { unit: 'dBm', emit: (v, name, add) => power(v, name, 'rx', add) },
  tx_power: { unit: 'dBm', emit: (v, name, add) => power(v, name, 'tx', add) },
  laser_bias: { unit: 'mA', emit: (v, name, add) => port(OPTICAL.laserBias, v, name, add) },
  module_temperature: { unit: 'celsius', emit: (v, name, add) => port(OPTICAL.temperature, v, name, add) },
  module_voltage: { unit: 'volts', emit: (v, name, add) => port(OPTICAL.voltage, v, name, add) },
  oper_up: { unit: 'bool', emit: (v, name, add) => port({ metric: SSH_METRICS.operUp, unit: 'ratio' }, v, name, add) },
  admin_up: { unit: 'bool', emit: (v, name, add) => port({ metric: SSH_METRICS.adminUp, unit: 'ratio' }, v, name, add) },
  laser_on: { unit: 'bool', emit: (v, name, add) => port({ metric: SSH_METRICS.laserOn, unit: 'ratio' }, v, name, add) },
};

type Add = ReturnType<typeof batchBuilder>['add'];

function power(v: ParsedValue, name: PortNamer, direction: 'rx' | 'tx', add: Add): void {
  const { port, lane } = splitLane(v.index);
  const family = direction === 'rx' ? OPTICAL.rx : OPTICAL.tx;
  const named = name(port);
  add(family.metric, family.unit, v.value, powerLabels(named.key, named.port, lane, direction));
}

function port(family: { metric: string; unit: string }, v: ParsedValue, name: PortNamer, add: Add): void {
  const { port, lane } = splitLane(v.index);
  const value = family.unit === 'ratio' ? (v.value >= 0.5 ? 1 : 0) : v.value;
  const named = name(port);
  add(family.metric, family.unit, Number.isFinite(v.value) ? value : NaN, portLabels(named.key, named.port, lane));
}

/**
 * `names`: the device's interface names by ifIndex, as its SNMP polls reported them. Junos prints
 * ifNames; an IOS-XR controller "R/S/I/P" and a SAOS port number are named from `names`
 * (devices/port-interfaces.ts), else labelled `port` and listed in `unnamed`.
 */
export function normalizeSsh(capture: RawSshCapture, names: ReadonlyMap<string, string> = NO_INTERFACE_NAMES, unnamed = new Set<string>()): MetricBatch {
  const b = batchBuilder(capture.deviceId, 'ssh', capture.capturedAt);
  // Per command: one command of a poll can fail (CLI_ERROR, CLI_PARSE) while the others succeed.
  b.add(SSH_METRICS.collectOk, 'ratio', capture.error ? 0 : 1, { command: capture.command });
  if (capture.error) return b.batch;
  const name = portNamer(cliPlatformId(capture.platform), names, unnamed);
  for (const v of capture.values) {
    const rule = Object.hasOwn(byName, v.name) ? byName[v.name] : undefined; // `constructor`, `__proto__`: no rule
    if (rule && rule.unit === v.unit && v.index !== '') rule.emit(v, name, b.add);
  }
  return b.batch;
}

// normalize (SSH CLI): one command's capture → the optical family (same names and labels as the
// SNMP DOM, so one port is one series whichever way it was read), interface state, and whether
// the command worked at all. Gauges only, so no state. Parsed values arrive as
// { name, index, unit, value } from collectors/ssh/parsers; lanes as index "<port>:lane<N>".
import { cliPlatformId } from '../../devices/cli-platforms.js';
import type { MetricBatch, ParsedValue, RawSshCapture } from '../../schemas/types.js';
import { batchBuilder } from './batch-builder.js';
import { OPTICAL, portLabels, powerLabels, splitLane, type PortLabel } from './optical-family.js';

export const SSH_METRICS = {
  collectOk: 'ssh_collect_ok',
  operUp: 'if_oper_up',
  adminUp: 'if_admin_up',
  laserOn: 'optical_laser_on',
} as const;

/**
 * Junos names ports as interfaces (xe-0/0/0, the same ifName SNMP reports); SAOS numbers them and
 * IOS-XR's optics controller is "R/S/I/P", neither an ifName: those are `port`.
 */
export function sshPortLabel(platform: string): PortLabel {
  return cliPlatformId(platform) === 'junos' ? 'ifName' : 'port';
}

// The parser's unit must be the one we expect: a parser change is then a gap, not a wrong unit.
const byName: Record<string, { unit: string; emit(v: ParsedValue, key: PortLabel, add: Add): void }> = {
  rx_power: { unit: 'dBm', emit: (v, key, add) => power(v, key, 'rx', add) },
  tx_power: { unit: 'dBm', emit: (v, key, add) => power(v, key, 'tx', add) },
  laser_bias: { unit: 'mA', emit: (v, key, add) => port(OPTICAL.laserBias, v, key, add) },
  module_temperature: { unit: 'celsius', emit: (v, key, add) => port(OPTICAL.temperature, v, key, add) },
  module_voltage: { unit: 'volts', emit: (v, key, add) => port(OPTICAL.voltage, v, key, add) },
  oper_up: { unit: 'bool', emit: (v, key, add) => port({ metric: SSH_METRICS.operUp, unit: 'ratio' }, v, key, add) },
  admin_up: { unit: 'bool', emit: (v, key, add) => port({ metric: SSH_METRICS.adminUp, unit: 'ratio' }, v, key, add) },
  laser_on: { unit: 'bool', emit: (v, key, add) => port({ metric: SSH_METRICS.laserOn, unit: 'ratio' }, v, key, add) },
};

type Add = ReturnType<typeof batchBuilder>['add'];

function power(v: ParsedValue, key: PortLabel, direction: 'rx' | 'tx', add: Add): void {
  const { port, lane } = splitLane(v.index);
  const family = direction === 'rx' ? OPTICAL.rx : OPTICAL.tx;
  add(family.metric, family.unit, v.value, powerLabels(key, port, lane, direction));
}

function port(family: { metric: string; unit: string }, v: ParsedValue, key: PortLabel, add: Add): void {
  const { port, lane } = splitLane(v.index);
  const value = family.unit === 'ratio' ? (v.value >= 0.5 ? 1 : 0) : v.value;
  add(family.metric, family.unit, Number.isFinite(v.value) ? value : NaN, portLabels(key, port, lane));
}

export function normalizeSsh(capture: RawSshCapture): MetricBatch {
  const b = batchBuilder(capture.deviceId, 'ssh', capture.capturedAt);
  // Per command: one command of a poll can fail (CLI_ERROR, CLI_PARSE) while the others succeed.
  b.add(SSH_METRICS.collectOk, 'ratio', capture.error ? 0 : 1, { command: capture.command });
  if (capture.error) return b.batch;
  const key = sshPortLabel(capture.platform);
  for (const v of capture.values) {
    const rule = Object.hasOwn(byName, v.name) ? byName[v.name] : undefined; // `constructor`, `__proto__`: no rule
    if (rule && rule.unit === v.unit && v.index !== '') rule.emit(v, key, b.add);
  }
  return b.batch;
}

// Device health: a 0–100 score from the latest sample of each of the device's series and its open
// anomalies. Components: availability, interface_errors, optical_margin, latency_loss, cpu,
// memory, utilisation, environment (resources.ts), anomalies;
// each scores 0–100 with a detail text. A component the device has no fresh data for (no optics)
// is left out and the weights of the others are renormalised to sum to 1. A device that does not
// answer polls scores 0 whatever the rest says (the schema's "0 (down)").
import type { AnomalySeverity, HealthComponent, HealthScore, MetricSample } from '../../schemas/types.js';
import { formatValue } from '../anomaly/format.js';
import { OPTICAL_RX_THRESHOLDS } from '../normalize/optical-family.js';
import { seriesKey } from '../normalize/series-key.js';
import { isOpticalRx, lossPercent, rxSensitivityDbm } from '../rules/rules.js';
import type { RulesConfig } from '../rules/settings.js';
import { resourceComponents } from './resources.js';
import type { HealthConfig } from './settings.js';

/** What health needs to know about one series of the device. */
export interface HealthSeries extends Pick<MetricSample, 'metric' | 'labels' | 'unit' | 'value'> {
  ts: number;
  /** Baseline of the last sample, when the series is scored. */
  expected: number | null;
  upper: number | null;
  /** if_oper_up has been 1 at least once (an interface never up is unused). */
  seenUp: boolean;
  /** Severity of the series' open anomaly, if one is open. */
  openSeverity: AnomalySeverity | null;
}

const clamp = (x: number, lo = 0, hi = 100) => (x < lo ? lo : x > hi ? hi : x);
const round1 = (x: number) => Math.round(x * 10) / 10;
const nameOf = (s: HealthSeries) => s.labels.ifName ?? s.labels.port ?? s.labels.target ?? s.labels.path ?? s.metric;
const listed = (names: string[]) => (names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`);

const labelsKey = (labels: Record<string, string>) => seriesKey('', '', labels);

const patterns = new Map<string, RegExp>();
const latencyPattern = (p: string) => patterns.get(p) ?? patterns.set(p, new RegExp(p)).get(p)!;

type Draft = { name: keyof HealthConfig['weights']; score: number; detail: string | null };

export function computeHealth(deviceId: string, ts: number, all: Iterable<HealthSeries>, cfg: HealthConfig, rules: RulesConfig): HealthScore {
  const fresh: HealthSeries[] = [];
  const open = new Map<AnomalySeverity, number>();
  for (const s of all) {
    if (s.openSeverity) open.set(s.openSeverity, (open.get(s.openSeverity) ?? 0) + 1);
    if (ts - s.ts <= cfg.staleMs) fresh.push(s);
  }
  const drafts: Draft[] = [];
  let deviceDown = false;

  // Availability: the device answers, and the interfaces that were up still are.
  const deviceUp = rules.deviceDown.metrics.map((m) => fresh.find((s) => s.metric === m)).find((s) => s !== undefined);
  // A port an operator shut (admin down) is out of service, not unavailable.
  const shut = new Set(fresh.filter((s) => s.metric === rules.interfaceDown.adminMetric && s.value < 0.5).map(nameOf));
  const ports = fresh.filter((s) => s.metric === rules.interfaceDown.metric && s.seenUp && !shut.has(nameOf(s)));
  if (deviceUp && deviceUp.value < 0.5) {
    deviceDown = true;
    drafts.push({ name: 'availability', score: 0, detail: 'device not answering polls' });
  } else if (deviceUp || ports.length > 0) {
    const down = ports.filter((s) => s.value < 0.5).map(nameOf).sort();
    const score = ports.length === 0 ? 100 : (100 * (ports.length - down.length)) / ports.length;
    drafts.push({ name: 'availability', score, detail: down.length ? `${down.length} of ${ports.length} interfaces down (${listed(down)})` : null });
  }

  // Interface errors: errors / (packets + errors) on the worst interface.
  const perPort = new Map<string, { errors: number; packets: number; seen: boolean }>();
  for (const s of fresh) {
    const isErr = /_errors_ps$/.test(s.metric);
    const isPkt = !isErr && s.unit === 'pps' && /^if_.*_pps$/.test(s.metric) && !/discards/.test(s.metric);
    if (!isErr && !isPkt) continue;
    const key = nameOf(s);
    const p = perPort.get(key) ?? { errors: 0, packets: 0, seen: false };
    if (isErr) Object.assign(p, { errors: p.errors + s.value, seen: true });
    else p.packets += s.value;
    perPort.set(key, p);
  }
  let worstErr: { name: string; ratio: number; errors: number } | null = null;
  for (const [name, p] of perPort) {
    if (!p.seen) continue;
    const ratio = p.errors > 0 ? p.errors / (p.packets + p.errors) : 0;
    if (!worstErr || ratio > worstErr.ratio) worstErr = { name, ratio, errors: p.errors };
  }
  if (worstErr) {
    const lg = Math.log10;
    const score = worstErr.ratio <= cfg.errorRatioGood ? 100 : clamp((100 * (lg(cfg.errorRatioBad) - lg(worstErr.ratio))) / (lg(cfg.errorRatioBad) - lg(cfg.errorRatioGood)));
    drafts.push({ name: 'interface_errors', score, detail: worstErr.errors > 0 ? `worst ${worstErr.name}: ${(worstErr.ratio * 100).toPrecision(2)} % of packets in error (${formatValue(worstErr.errors, 'pps')})` : null });
  }

  // Optical margin: the weakest receiver's distance above its sensitivity, which is the
  // transceiver's own low alarm threshold when it reports one.
  const ownLimit = new Map<string, number>();
  for (const s of fresh) if (s.metric === OPTICAL_RX_THRESHOLDS.lowAlarm) ownLimit.set(labelsKey(s.labels), s.value);
  let worstRx: { s: HealthSeries; margin: number; sens: number } | null = null;
  for (const s of fresh) {
    if (!isOpticalRx(s)) continue;
    const sens = (ownLimit.size > 0 ? ownLimit.get(labelsKey(s.labels)) : undefined) ?? rxSensitivityDbm(s.metric, rules);
    const margin = s.value - sens;
    if (!worstRx || margin < worstRx.margin) worstRx = { s, margin, sens };
  }
  if (worstRx) {
    const score = clamp((100 * worstRx.margin) / cfg.opticalMarginGoodDb);
    // "-26 dB above" reads as nonsense on a wall: say below, and at 0.0 dB "at".
    const margin = Number(worstRx.margin.toFixed(1));
    const relation = margin > 0 ? `${margin.toFixed(1)} dB above` : margin < 0 ? `${(-margin).toFixed(1)} dB below` : 'at';
    const detail = score < 100 ? `weakest Rx ${nameOf(worstRx.s)} ${formatValue(worstRx.s.value, 'dBm')}, ${relation} sensitivity ${formatValue(worstRx.sens, 'dBm')}` : null;
    drafts.push({ name: 'optical_margin', score, detail });
  }

  // Latency and loss: the worse of the worst loss and the worst latency excess over its baseline.
  const latencyRe = latencyPattern(cfg.latencyPattern);
  let ll: { score: number; detail: string | null } | null = null;
  const worse = (score: number, detail: string) => {
    if (!ll || score < ll.score) ll = { score, detail: score < 100 ? detail : null };
  };
  for (const s of fresh) {
    const pct = lossPercent(s, rules.lossHigh.metricPattern);
    if (pct !== null) worse(clamp(100 * (1 - pct / cfg.lossBadPercent)), `${nameOf(s)} loss ${pct.toFixed(1)} %`);
    else if (s.unit === 'ms' && latencyRe.test(s.metric)) {
      const excess = s.upper !== null && s.expected !== null && s.value > s.upper ? (s.value - s.upper) / Math.max(Math.abs(s.expected), 1e-9) : 0;
      worse(clamp(100 * (1 - excess / cfg.latencyBadExcess)), `${nameOf(s)} ${formatValue(s.value, 'ms')}, expected ${formatValue(s.expected ?? s.value, 'ms')}`);
    }
  }
  if (ll) drafts.push({ name: 'latency_loss', ...(ll as { score: number; detail: string | null }) });

  drafts.push(...resourceComponents(fresh, cfg));

  // Open anomalies: points off per anomaly by severity.
  let penalty = 0;
  const parts: string[] = [];
  for (const sev of ['CRITICAL', 'MAJOR', 'MINOR', 'WARNING', 'INFO'] as const) {
    const n = open.get(sev) ?? 0;
    if (n === 0) continue;
    penalty += n * cfg.anomalyPenalty[sev];
    parts.push(`${n} ${sev}`);
  }
  drafts.push({ name: 'anomalies', score: clamp(100 - penalty), detail: parts.length ? `open anomalies: ${parts.join(', ')}` : null });

  const total = drafts.reduce((t, d) => t + cfg.weights[d.name], 0);
  const components: HealthComponent[] = drafts.map((d) => ({ name: d.name, score: round1(d.score), weight: total > 0 ? cfg.weights[d.name] / total : 0, detail: d.detail }));
  const weighted = components.reduce((t, c) => t + c.weight * c.score, 0);
  return { deviceId, ts, score: deviceDown ? 0 : round1(weighted), components };
}

/** The last emitted score, for throttling. */
export interface HealthMemory {
  at: number; // -1: never emitted
  score: number;
  components: Record<string, number>;
}

export function healthDue(memory: HealthMemory, h: HealthScore, cfg: HealthConfig): boolean {
  if (memory.at < 0) return true;
  const elapsed = h.ts - memory.at;
  if (elapsed < 0) return false; // an older batch (another source) after a newer score
  const moved = Math.abs(h.score - memory.score);
  // A component's own movement matters when large: small ones show in the overall score.
  let componentMoved = Object.keys(memory.components).length !== h.components.length;
  for (const c of h.components) {
    const before = memory.components[c.name];
    if (before === undefined || Math.abs(c.score - before) >= cfg.bigChange) componentMoved = true;
  }
  if (moved >= cfg.bigChange) return true;
  if (elapsed >= cfg.heartbeatMs) return true;
  return (moved >= cfg.minChange || componentMoved) && elapsed >= cfg.minIntervalMs;
}

export function rememberHealth(h: HealthScore): HealthMemory {
  return { at: h.ts, score: h.score, components: Object.fromEntries(h.components.map((c) => [c.name, c.score])) };
}

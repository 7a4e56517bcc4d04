// The analysis config (scoring, lifecycle, rules, health) as one typed object with defaults.
// `analysisConfig(overrides)` deep-merges overrides (e.g. parsed from YAML) over the defaults,
// rejects unknown keys and inconsistent values with errors naming the key. Treat the result as
// read-only (not frozen: it shares the detector's and baseline's default objects).
import { OpsError } from '../../common/errors.js';
import type { AnomalySeverity } from '../../schemas/types.js';
import { healthDefaults, type HealthConfig } from '../health/settings.js';
import { rulesDefaults, type RulesConfig } from '../rules/settings.js';
import type { UserRules } from '../rules/user-rules.js';
import { lifecycleDefaults, scoringDefaults, type LifecycleSettings, type ScoringSettings } from './settings.js';
import { DAY_MS } from '../../common/time-units.js';

export interface AnalysisConfig {
  scoring: ScoringSettings;
  lifecycle: LifecycleSettings;
  rules: RulesConfig;
  health: HealthConfig;
  /** A series without samples for this long (event time of the device's batches) is forgotten; its open anomaly closes. */
  seriesIdleMs: number;
  /** A notification with the dedupKey of one the device sent within this long (event time) is a copy: another receiver's, or a re-send. */
  trapDedupWindowMs: number;
  /**
   * Rules of files (built-in devices/rules/ and RULES_DIR) and the inventory facts they are scoped
   * by; set by the processor, not by the analysis config file (they hot-reload on their own).
   */
  userRules?: UserRules;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

export const analysisDefaults: AnalysisConfig = {
  scoring: scoringDefaults,
  lifecycle: lifecycleDefaults,
  rules: rulesDefaults,
  health: healthDefaults,
  seriesIdleMs: 7 * DAY_MS,
  trapDedupWindowMs: 60_000, // the receivers' TRAP_DEDUP_WINDOW_MS default
};

// Maps keyed by user-chosen names (not settings): any key is allowed there.
const openMaps = new Set(['rules.opticalRxLow.sensitivityDbmByMetric', 'scoring.spreadFloor']);

function merge(base: unknown, over: unknown, path: string): unknown {
  if (over === undefined) return base;
  const isObj = (x: unknown) => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (!isObj(base) || !isObj(over)) {
    if (typeof base !== typeof over || Array.isArray(base) !== Array.isArray(over)) throw invalid(path, `expected ${Array.isArray(base) ? 'a list' : typeof base}, got ${JSON.stringify(over)}`);
    return over;
  }
  if (openMaps.has(path)) return { ...(base as object), ...(over as object) };
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    const p = path ? `${path}.${k}` : k;
    if (!(k in out)) throw new OpsError('CONFIG_UNKNOWN_KEY', `analysis config: unknown key "${p}"`);
    out[k] = merge(out[k], v, p);
  }
  return out;
}

const SEVERITIES: readonly string[] = ['INFO', 'WARNING', 'MINOR', 'MAJOR', 'CRITICAL'] satisfies AnomalySeverity[];

function invalid(path: string, why: string): OpsError {
  return new OpsError('CONFIG_INVALID', `analysis config: "${path}" ${why}`);
}

export function analysisConfig(overrides: DeepPartial<AnalysisConfig> = {}): AnalysisConfig {
  const c = merge(analysisDefaults, overrides, '') as AnalysisConfig;
  const l = c.lifecycle;
  if (!(l.openScore > 0 && l.openScore <= 1)) throw invalid('lifecycle.openScore', 'must be in (0, 1]');
  if (!(l.closeScore >= 0 && l.closeScore <= l.openScore)) throw invalid('lifecycle.closeScore', `must be in [0, openScore ${l.openScore}] (hysteresis)`);
  if (!(l.minorScore <= l.majorScore)) throw invalid('lifecycle.minorScore', 'must not exceed majorScore');
  if (!(l.closeQuietPolls >= 1)) throw invalid('lifecycle.closeQuietPolls', 'must be at least 1');
  for (const k of ['closeQuietMs', 'flapCooldownMs', 'flapQuietMs', 'updateMinIntervalMs', 'detectorMaxOpenMs'] as const) {
    if (!(l[k] >= 0)) throw invalid(`lifecycle.${k}`, 'must be a duration ≥ 0 ms');
  }
  if (!(c.trapDedupWindowMs >= 0)) throw invalid('trapDedupWindowMs', 'must be a duration ≥ 0 ms');
  const sc = c.scoring;
  if (!(sc.baselineIntervalMs >= 0)) throw invalid('scoring.baselineIntervalMs', 'must be ≥ 0 ms');
  if (!(sc.baselineHeartbeatMs >= sc.baselineIntervalMs)) throw invalid('scoring.baselineHeartbeatMs', `must be ≥ baselineIntervalMs ${sc.baselineIntervalMs} ms`);
  for (const k of ['baselineMoveSpreads', 'baselineSpreadChange'] as const) {
    if (!(sc[k] >= 0)) throw invalid(`scoring.${k}`, 'must be ≥ 0 (0: every change is emitted, at most once per baselineIntervalMs)');
  }
  const det = sc.detector.detect;
  if (!(det.warmupSamples >= 0)) throw invalid('scoring.detector.detect.warmupSamples', 'must be ≥ 0 samples');
  if (!(det.warmupMs >= 0)) throw invalid('scoring.detector.detect.warmupMs', 'must be a duration ≥ 0 ms');
  if (!(det.tailQuantile > 0 && det.tailQuantile < 1)) throw invalid('scoring.detector.detect.tailQuantile', 'must be in (0, 1)');
  if (!(det.tailRate >= 0 && det.tailInitial > 0)) throw invalid('scoring.detector.detect.tailRate / tailInitial', 'need tailRate ≥ 0 (0: no learnt tail) and tailInitial > 0 spreads');
  const o = c.rules.opticalRxLow;
  if (!(o.noLightDbm < o.sensitivityDbm)) throw invalid('rules.opticalRxLow.noLightDbm', `must be below sensitivityDbm ${o.sensitivityDbm}`);
  const loss = c.rules.lossHigh;
  if (!(loss.limitPercent <= loss.majorPercent && loss.majorPercent <= loss.criticalPercent)) throw invalid('rules.lossHigh', 'needs limitPercent ≤ majorPercent ≤ criticalPercent');
  try {
    new RegExp(loss.metricPattern);
    new RegExp(c.health.latencyPattern);
  } catch (err) {
    throw invalid('rules.lossHigh.metricPattern / health.latencyPattern', `is not a regular expression: ${(err as Error).message}`);
  }
  for (const k of ['interfaceDown', 'deviceDown', 'utilisationHigh'] as const) {
    if (!SEVERITIES.includes(c.rules[k].severity)) throw invalid(`rules.${k}.severity`, `must be one of ${SEVERITIES.join(', ')}`);
  }
  const util = c.rules.utilisationHigh;
  if (!(util.thresholdPercent > 0)) throw invalid('rules.utilisationHigh.thresholdPercent', 'must be a percent of line rate > 0');
  for (const r of [c.rules.opticalRxLow, loss, c.rules.interfaceDown, c.rules.deviceDown, util]) {
    if (!(Number.isInteger(r.forPolls) && r.forPolls >= 1)) throw invalid('rules.*.forPolls', 'must be an integer ≥ 1');
  }
  if (Object.values(c.health.weights).some((w) => !(w >= 0))) throw invalid('health.weights', 'must be non-negative');
  for (const k of ['cpu', 'memory', 'utilisation'] as const) {
    const [good, bad] = [c.health[`${k}GoodPercent`], c.health[`${k}BadPercent`]];
    if (!(good >= 0 && good < bad)) throw invalid(`health.${k}GoodPercent / ${k}BadPercent`, `need 0 ≤ good < bad, got ${good} and ${bad}`);
  }
  return c;
}


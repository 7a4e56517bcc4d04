// The analysis a processor runs with, and a replay of its log too (so both judge the same way):
// the analysis config file, the metrics of the user's SNMP profiles, and the rule files scoped
// by the inventory facts in `devices` (kept current by the caller).
import type { ConfigOf } from '../common/config.js';
import type { Logger } from '../common/log.js';
import type { UserRule } from '../devices/rule-file.js';
import { followRules, loadRuleSet } from '../devices/rule-set.js';
import type { AnalysisConfig } from './anomaly/config.js';
import { loadAnalysisConfig } from './analysis-config-file.js';
import { registerProfileMetrics } from './normalize/profile-metrics.js';
import type { DeviceFacts } from './rules/user-rules.js';
import type { processorSettings } from './settings.js';

export interface ProcessorAnalysis {
  /** The config to analyse the next record with: replaced (never changed) when the rules change. */
  current(): AnalysisConfig;
  stop(): void;
}

/** `watch`: re-read the rule files as they change (the processor); a replay reads them once. */
export function processorAnalysis(config: ConfigOf<typeof processorSettings>, logger: Logger, devices: ReadonlyMap<string, DeviceFacts>, watch: boolean): ProcessorAnalysis {
  const base = loadAnalysisConfig(config.analysisConfigFile);
  const userProfiles = registerProfileMetrics(config.snmpProfilesDir);
  if (userProfiles.length > 0) logger.info('metrics of user SNMP profiles', { dir: config.snmpProfilesDir, profiles: userProfiles });
  const withRules = (rules: readonly UserRule[]): AnalysisConfig => ({ ...base, userRules: { rules, devices } });
  if (!watch) {
    const once = withRules(loadRuleSet(config.rulesDir).rules);
    return { current: () => once, stop: () => undefined };
  }
  let analysis: AnalysisConfig;
  const followed = followRules(config.rulesDir, config.rulesReloadMs, logger, (set) => (analysis = withRules(set.rules)));
  analysis = withRules(followed.current().rules);
  return { current: () => analysis, stop: () => followed.stop() };
}

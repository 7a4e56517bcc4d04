// The analysis settings users configure (static rules, lifecycle, scoring, health) from a YAML
// file over the defaults; unknown keys and bad values stop the processor at start, naming them.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { OpsError } from '../common/errors.js';
import { analysisConfig, type AnalysisConfig, type DeepPartial } from './anomaly/config.js';

export function loadAnalysisConfig(file: string): AnalysisConfig {
  if (!file) return analysisConfig();
  let overrides: unknown;
  try {
    overrides = parse(readFileSync(file, 'utf8')) ?? {};
  } catch (err) {
    throw new OpsError('CONFIG_INVALID', `ANALYSIS_CONFIG_FILE ${file} cannot be read as YAML: ${(err as Error).message}`, { cause: err });
  }
  if (typeof overrides !== 'object' || Array.isArray(overrides)) throw new OpsError('CONFIG_INVALID', `ANALYSIS_CONFIG_FILE ${file} must hold a mapping (scoring, lifecycle, rules, health)`);
  try {
    return analysisConfig(overrides as DeepPartial<AnalysisConfig>);
  } catch (err) {
    throw new OpsError(err instanceof OpsError ? err.code : 'CONFIG_INVALID', `ANALYSIS_CONFIG_FILE ${file}: ${(err as Error).message}`, { cause: err });
  }
}

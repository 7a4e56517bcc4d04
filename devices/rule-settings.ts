// The settings of the anomaly rule files, the same on every role that reads them (the processor
// fires the rules, the api shows them): both must name the same directory.
import { defineSettings } from '../common/config.js';

export const ruleFileSettings = defineSettings({
  rulesDir: { kind: 'string', env: 'RULES_DIR', default: '', doc: 'directory of your own anomaly rule files (*.yaml, format in docs/rules.md), beside the built-in ones; validated at start, re-read when they change (a bad edit keeps the rules before it); set the same on processors and api' },
  rulesReloadMs: { kind: 'int', env: 'RULES_RELOAD_MS', default: 2_000, min: 100, max: 600_000, doc: 'how often RULES_DIR is checked for changed files (ms)' },
});

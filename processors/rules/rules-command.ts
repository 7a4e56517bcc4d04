// `opsconductor rules check FILE...`: validates anomaly rule files without starting anything, as
// the processor would read them (every problem as file:line), and `rules list [--dir DIR]`: the
// rules a processor with that RULES_DIR would fire.
import { readFileSync } from 'node:fs';
import { parseRuleFile, RuleFileError, type RuleCondition } from '../../devices/rule-file.js';
import { loadRuleSet } from '../../devices/rule-set.js';

const usage = 'usage: opsconductor rules check FILE... | list [--dir DIR]\n';

const conditionText = (c: RuleCondition) => (c.kind === 'in' ? `in [${c.values.join(', ')}]` : c.kind === 'rateAbove' || c.kind === 'rateBelow' ? `${c.kind} ${c.limit} per ${c.perMs} ms` : `${c.kind} ${c.limit}`);

export function runRulesCommand(args: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): number {
  const [sub, ...rest] = args;
  if (sub === 'check' && rest.length > 0) {
    let failed = false;
    for (const file of rest) {
      try {
        const rules = parseRuleFile(readFileSync(file, 'utf8'), file);
        out.write(`${file}: ok, ${rules.length} rule(s): ${rules.map((r) => r.name).join(', ')}\n`);
      } catch (e) {
        failed = true;
        if (e instanceof RuleFileError) for (const problem of e.problems) err.write(`${problem}\n`);
        else err.write(`${file}: ${(e as Error).message}\n`);
      }
    }
    return failed ? 1 : 0;
  }
  if (sub === 'list') {
    const dir = rest[0] === '--dir' ? (rest[1] ?? '') : '';
    try {
      for (const r of loadRuleSet(dir).rules) out.write(`${r.name}\t${r.metric} ${conditionText(r.condition)}${r.forMs ? ` for ${r.forMs} ms` : ''}\t${r.severity}\t${r.source}\n`);
      return 0;
    } catch (e) {
      if (!(e instanceof RuleFileError)) throw e;
      for (const problem of e.problems) err.write(`${problem}\n`);
      return 1;
    }
  }
  err.write(usage);
  return 2;
}

// The anomaly rules this replica read (the same files the processors read: RULES_DIR on both),
// re-read as they change. Any authenticated caller may see them, like the anomalies they explain.
import path from 'node:path';
import type { UserRule } from '../../devices/rule-file.js';
import { BUILTIN_RULES_DIR } from '../../devices/rule-set.js';
import { API_DEFAULTS } from '../defaults.js';
import type { ApiContext } from '../graphql/context.js';

const builtinDir = path.resolve(BUILTIN_RULES_DIR);

function ruleView(r: UserRule) {
  const c = r.condition;
  const condition = c.kind === 'in' ? { in: c.values } : c.kind === 'rateAbove' || c.kind === 'rateBelow' ? { [c.kind]: c.limit, perMs: c.perMs } : { [c.kind]: c.limit };
  const builtin = path.resolve(r.source).startsWith(builtinDir);
  // A built-in rule is named by its path in the repository, not the machine's.
  const source = builtin ? `devices/rules/${path.relative(builtinDir, r.source)}` : r.source;
  return { ...r, condition, builtin, source };
}

export const rulesResolvers = {
  Query: {
    rules: (_: unknown, _args: unknown, ctx: ApiContext) =>
      [...ctx.svc.rules()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .slice(0, API_DEFAULTS.lists.rules.max)
        .map(ruleView),
  },
};

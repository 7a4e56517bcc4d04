// The anomaly rules in force: the built-in rule files and the operator's (RULES_DIR), as the
// processors fire them.

import { API_DEFAULTS } from '../../defaults.js';

export const rulesSdl = /* GraphQL */ `
  "Which series a rule applies to; an empty list or a null pattern selects every one."
  type RuleScope {
    "device ids, * matching any run of characters"
    device: [String!]!
    "inventory roles"
    role: [String!]!
    "inventory sites"
    site: [String!]!
    "regular expression the whole interface name (ifName, port) matches"
    interface: String
  }

  "When a sample violates the rule: exactly one of above, below, in, rateAbove, rateBelow is set."
  type RuleCondition {
    above: Float
    below: Float
    "values (states) that violate it"
    in: [Float!]
    "change between two samples, per perMs"
    rateAbove: Float
    rateBelow: Float
    perMs: Float
  }

  type Rule {
    "the anomaly's detector is rule:<name>"
    name: String!
    description: String!
    metric: String!
    scope: RuleScope!
    condition: RuleCondition!
    "how long the condition must hold before the rule fires (event time), ms"
    forMs: Float!
    severity: String!
    "true for the files shipped with OpsConductor (devices/rules), false for RULES_DIR's"
    builtin: Boolean!
    "file:line the rule was read from"
    source: String!
  }

  extend type Query {
    "The rules in force, built-in and the operator's files (RULES_DIR), by name (at most ${API_DEFAULTS.lists.rules.max})."
    rules: [Rule!]! @list(max: ${API_DEFAULTS.lists.rules.max})
  }
`;

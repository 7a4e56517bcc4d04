// The anomaly rules a process knows: the built-in files (devices/rules/) and every *.yaml / *.yml
// of the user's directory (RULES_DIR). A user rule with a built-in rule's name replaces it (how a
// user tunes bgp-peer-down's duration or severity); the same name in two user files is an error
// naming both. `watchRuleSet` re-reads the directory when its files change: a bad edit keeps the
// rules last read well and reports what is wrong, by file and line.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import client from 'prom-client';
import type { Logger } from '../common/log.js';
import { once } from '../common/metrics.js';
import { parseRuleFile, RuleFileError, type UserRule } from './rule-file.js';

export const BUILTIN_RULES_DIR = fileURLToPath(new URL('./rules/', import.meta.url));

export interface RuleSet {
  rules: UserRule[];
  /** Hash of the user directory's file names and contents: what a reload compares. */
  fingerprint: string;
}

interface DirFiles {
  files: Array<{ file: string; text: string }>;
  fingerprint: string;
}

function readDir(dir: string): DirFiles {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new RuleFileError([`${dir}: cannot read the rules directory (${(err as Error).message})`]);
  }
  const hash = createHash('sha1');
  const files = names
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((n) => {
      const file = path.join(dir, n);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new RuleFileError([`${file}: cannot be read (${(err as Error).message})`]);
      }
      hash.update(`${n}\0${text}\0`);
      return { file, text };
    });
  return { files, fingerprint: hash.digest('hex') };
}

function parseAll(files: DirFiles['files']): { rules: UserRule[]; problems: string[] } {
  const rules: UserRule[] = [];
  const problems: string[] = [];
  for (const { file, text } of files) {
    try {
      rules.push(...parseRuleFile(text, file));
    } catch (err) {
      if (err instanceof RuleFileError) problems.push(...err.problems);
      else problems.push(`${file}: ${(err as Error).message}`);
    }
  }
  return { rules, problems };
}

const builtin = parseAll(readDir(BUILTIN_RULES_DIR).files);
if (builtin.problems.length) throw new RuleFileError(builtin.problems);

/** The built-in rules, then the user's (when a directory is given) replacing those of their name. Throws RuleFileError. */
export function loadRuleSet(userDir = ''): RuleSet {
  if (!userDir) return { rules: builtin.rules, fingerprint: '' };
  const dir = readDir(userDir);
  const { rules, problems } = parseAll(dir.files);
  const byName = new Map<string, UserRule>();
  for (const r of rules) {
    const before = byName.get(r.name);
    if (before) problems.push(`${r.source}: rule name "${r.name}" is already defined at ${before.source}`);
    byName.set(r.name, r);
  }
  if (problems.length) throw new RuleFileError(problems);
  const replaced = builtin.rules.filter((r) => !byName.has(r.name));
  return { rules: [...replaced, ...rules], fingerprint: dir.fingerprint };
}

export interface RuleWatch {
  stop(): void;
}

/**
 * Re-reads `userDir` every `everyMs` and calls `onChange` with a set whose files changed and read
 * well, `onProblem` (once per content) when they changed and did not: the caller keeps what it has.
 * Polling rather than inotify: a Kubernetes ConfigMap or an editor swaps files by rename, which a
 * watch on the old file misses, and a few small files a second are nothing to read.
 */
export function watchRuleSet(userDir: string, current: RuleSet, everyMs: number, onChange: (set: RuleSet) => void, onProblem: (err: RuleFileError) => void): RuleWatch {
  let seen = current.fingerprint;
  const timer = setInterval(() => {
    let fingerprint: string;
    try {
      fingerprint = readDir(userDir).fingerprint;
    } catch (err) {
      if (seen !== 'unreadable') onProblem(err as RuleFileError);
      seen = 'unreadable';
      return;
    }
    if (fingerprint === seen) return;
    seen = fingerprint;
    let set: RuleSet;
    try {
      set = loadRuleSet(userDir);
    } catch (err) {
      onProblem(err instanceof RuleFileError ? err : new RuleFileError([(err as Error).message]));
      return;
    }
    seen = set.fingerprint; // what was read, should the files have changed again meanwhile
    onChange(set);
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

export interface FollowedRules extends RuleWatch {
  /** The rules in force: the last set read well. */
  current(): RuleSet;
}

/**
 * The rule set a role runs with: read at start (a bad file stops the role, every problem listed),
 * then re-read as the files change. A bad edit keeps the last good set and logs its problems by
 * file and line; `oc_rules_reload_failures_total` counts such edits for an alert.
 */
export function followRules(userDir: string, everyMs: number, logger: Logger, onChange: (set: RuleSet) => void = () => undefined): FollowedRules {
  let set = loadRuleSet(userDir);
  const metrics = ruleMetrics();
  metrics.loaded.set(set.rules.length);
  logger.info('anomaly rules loaded', { dir: userDir || null, rules: set.rules.map((r) => r.name) });
  if (!userDir) return { current: () => set, stop: () => undefined };
  const watch = watchRuleSet(
    userDir,
    set,
    everyMs,
    (next) => {
      set = next;
      metrics.loaded.set(set.rules.length);
      logger.info('anomaly rules reloaded', { dir: userDir, rules: set.rules.map((r) => r.name) });
      onChange(set);
    },
    (err) => {
      metrics.reloadFailures.inc();
      logger.error('anomaly rule files changed but are not valid: the rules read before stay in force', { dir: userDir, problems: err.problems });
    },
  );
  return { current: () => set, stop: () => watch.stop() };
}

function ruleMetrics() {
  return {
    loaded: once('oc_rules_loaded', () => new client.Gauge({ name: 'oc_rules_loaded', help: 'Anomaly rules in force (built-in files and RULES_DIR).' })),
    reloadFailures: once('oc_rules_reload_failures_total', () => new client.Counter({ name: 'oc_rules_reload_failures_total', help: 'Changes to RULES_DIR refused as invalid (the previous rules stayed in force).' })),
  };
}

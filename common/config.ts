// Typed, validated configuration. Each role declares its settings once (environment name, type,
// default, documentation); `loadConfig` reads the environment and an optional YAML file, rejects
// unknown keys, and fails at start with an error that names the setting and what would fix it.
// A setting may also be read from a file (`<ENV>_FILE`, a mounted secret) and may be checked
// against the others once all are known (a client certificate needs its key).
// The result is frozen: nothing changes configuration behind a running role's back.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { OpsError } from './errors.js';

type Kind = 'string' | 'int' | 'number' | 'bool' | 'list' | 'url' | 'secret';
interface SettingBase<K extends Kind> {
  kind: K;
  env: string;
  doc: string;
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** How --help and the reference show a default computed at start (a host name, a pid). */
  defaultText?: string;
  /** The value may come from a file instead: env `<env>_FILE` (YAML key `<key>File`) names it
   * (a Kubernetes or Docker secret mount). Setting both forms is refused. */
  fromFile?: boolean;
  /** Checked once every value is read: what is wrong with this value given the others (the error
   * then names this setting), or undefined. */
  check?: (value: unknown, config: Readonly<Record<string, unknown>>) => string | undefined;
}
export type Setting =
  | (SettingBase<'string' | 'url' | 'secret'> & { default?: string })
  | (SettingBase<'int' | 'number'> & { default?: number })
  | (SettingBase<'bool'> & { default?: boolean })
  | (SettingBase<'list'> & { default?: string[] });

type ValueOf<S extends Setting> = S['kind'] extends 'int' | 'number'
  ? number
  : S['kind'] extends 'bool'
    ? boolean
    : S['kind'] extends 'list'
      ? string[]
      : string;

export type ConfigOf<T extends Record<string, Setting>> = { readonly [K in keyof T]: ValueOf<T[K]> };

export function defineSettings<T extends Record<string, Setting>>(settings: T): T {
  return settings;
}

function fail(code: 'CONFIG_INVALID' | 'CONFIG_MISSING' | 'CONFIG_UNKNOWN_KEY', message: string): never {
  throw new OpsError(code, message);
}

function coerce(key: string, s: Setting, raw: unknown, from: string): unknown {
  const where = `${key} (${from})`;
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (s.kind) {
    case 'int':
    case 'number': {
      const n = typeof text === 'number' ? text : Number(text);
      if (!Number.isFinite(n) || (s.kind === 'int' && !Number.isInteger(n)))
        fail('CONFIG_INVALID', `${where} must be ${s.kind === 'int' ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}`);
      if (s.min !== undefined && n < s.min) fail('CONFIG_INVALID', `${where} must be at least ${s.min}, got ${n}`);
      if (s.max !== undefined && n > s.max) fail('CONFIG_INVALID', `${where} must be at most ${s.max}, got ${n}`);
      return n;
    }
    case 'bool': {
      if (typeof text === 'boolean') return text;
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      return fail('CONFIG_INVALID', `${where} must be true or false, got ${JSON.stringify(raw)}`);
    }
    case 'list': {
      const items = Array.isArray(text) ? text.map(String) : String(text).split(',');
      const list = items.map((v) => v.trim()).filter((v) => v.length > 0);
      if (list.length === 0) fail('CONFIG_INVALID', `${where} must list at least one value`);
      return list;
    }
    case 'url': {
      try {
        new URL(String(text));
      } catch {
        fail('CONFIG_INVALID', `${where} must be a URL such as scheme://host:port, got ${JSON.stringify(raw)}`);
      }
      return String(text);
    }
    default: {
      const v = String(text);
      // A secret's value never appears in an error: only its length does.
      const shown = s.kind === 'secret' ? `${v.length} characters` : JSON.stringify(raw);
      if (s.choices && !s.choices.includes(v)) fail('CONFIG_INVALID', `${where} must be one of ${s.choices.join(', ')}, got ${shown}`);
      if (v.length === 0) fail('CONFIG_INVALID', `${where} must not be empty`);
      if (s.min !== undefined && v.length < s.min) fail('CONFIG_INVALID', `${where} must be at least ${s.min} characters long, got ${shown}`);
      return v;
    }
  }
}

/** Reads settings from a YAML file (keys are the setting names) and the environment (env wins). */
export function loadConfig<T extends Record<string, Setting>>(
  settings: T,
  env: NodeJS.ProcessEnv = process.env,
  file: string | undefined = env.OC_CONFIG,
): ConfigOf<T> {
  let fromYaml: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      fail('CONFIG_INVALID', `OC_CONFIG names ${file}, which cannot be read: ${(err as Error).message}`);
    }
    const parsed = parseYaml(text) ?? {};
    if (typeof parsed !== 'object' || Array.isArray(parsed)) fail('CONFIG_INVALID', `${file} must hold a mapping of setting: value`);
    fromYaml = parsed as Record<string, unknown>;
    const known = Object.entries(settings).flatMap(([k, s]) => (s.fromFile ? [k, `${k}File`] : [k]));
    for (const k of Object.keys(fromYaml))
      if (!known.includes(k))
        fail('CONFIG_UNKNOWN_KEY', `${file} has unknown setting "${k}"; known settings: ${known.join(', ')}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings)) {
    const envValue = env[s.env];
    const envFile = s.fromFile ? env[`${s.env}_FILE`] : undefined;
    const yamlFile = s.fromFile ? fromYaml[`${key}File`] : undefined;
    if (envValue && envFile) fail('CONFIG_INVALID', `${key}: set ${s.env} or ${s.env}_FILE, not both`);
    if (key in fromYaml && yamlFile !== undefined) fail('CONFIG_INVALID', `${key}: ${file} sets ${key} and ${key}File; keep one`);
    if (envValue !== undefined && envValue !== '') out[key] = coerce(key, s, envValue, `env ${s.env}`);
    else if (envFile) out[key] = coerce(key, s, readSettingFile(key, envFile, `env ${s.env}_FILE`), `file named by env ${s.env}_FILE`);
    else if (key in fromYaml) out[key] = coerce(key, s, fromYaml[key], `file ${file}`);
    else if (yamlFile !== undefined) out[key] = coerce(key, s, readSettingFile(key, String(yamlFile), `${key}File in ${file}`), `file named by ${key}File in ${file}`);
    else if (s.default !== undefined) out[key] = s.default;
    else fail('CONFIG_MISSING', `setting ${key} is required: set ${s.env}${s.fromFile ? ` or ${s.env}_FILE` : ''} (${s.doc})`);
  }
  for (const [key, s] of Object.entries(settings)) {
    const problem = s.check?.(out[key], out);
    if (problem) fail('CONFIG_INVALID', `${key} (env ${s.env}${s.fromFile ? ` or ${s.env}_FILE` : ''}) ${problem}`);
  }
  return Object.freeze(out) as ConfigOf<T>;
}

function readSettingFile(key: string, path: string, from: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    return fail('CONFIG_INVALID', `${key} (${from}) names ${path}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** A setting's default as a reader should see it ('' and [] read "(none)"). */
export function defaultShown(s: Setting): string {
  if (s.defaultText !== undefined) return s.defaultText;
  if (s.default === undefined) return '(required)';
  if (s.kind === 'secret') return s.default === '' ? '(none)' : '(set)';
  if (Array.isArray(s.default)) return s.default.length === 0 ? '(none)' : s.default.join(',');
  return s.default === '' ? '(none)' : String(s.default);
}

/** The environment names a setting answers to: `NAME`, and `NAME_FILE` when it may come from a file. */
export function settingNames(s: Setting): string {
  return s.fromFile ? `${s.env} / ${s.env}_FILE` : s.env;
}

function kindShown(s: Setting): string {
  if (s.choices) return s.choices.map((c) => (c === '' ? '(none)' : c)).join(' | ');
  const range = s.kind === 'int' || s.kind === 'number' ? [s.min !== undefined ? `≥ ${s.min}` : '', s.max !== undefined ? `≤ ${s.max}` : ''].filter(Boolean).join(', ') : '';
  return range ? `${s.kind}, ${range}` : s.kind;
}

/** Markdown rows `| env | key | kind | default | meaning |` (docs/configuration.md). */
export function describeSettings(settings: Record<string, Setting>): string {
  const cell = (t: string) => t.replaceAll('|', '\\|');
  return Object.entries(settings)
    .map(([k, s]) => `| \`${settingNames(s)}\` | ${k} | ${cell(kindShown(s))} | ${cell(defaultShown(s))} | ${cell(s.doc)} |`)
    .join('\n');
}

/** Plain text for `--help`: one block per setting, the name, its default and what it means. */
export function helpSettings(settings: Record<string, Setting>): string {
  return Object.values(settings)
    .map((s) => `  ${settingNames(s)}  (${kindShown(s)}; default ${defaultShown(s)})\n      ${s.doc}`)
    .join('\n');
}

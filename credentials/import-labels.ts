// `credentials import-labels FILE.yaml [--dry-run]`: the one-time move of an older inventory's
// secrets into the store. Inventories used to carry them in clear, which every API viewer, the
// inventory topic, the devices table and dead letters could read:
//   labels: { ssh.credential: "login:<user>:<password>" }   → an ssh-password credential
//   snmp:   { credential: "community:<value>" }             → an snmp-community credential
// Each distinct secret becomes one stored credential (imported/ssh-1, imported/snmp-community-1…;
// a credential already in the store with the same content is reused, whatever its name), and the
// file is rewritten in place with the names (comments and layout kept, written beside it and
// renamed over it, same mode). The store is written first: a failure leaves the file untouched,
// and a second run finds nothing left to move, or reuses what the first one stored. Labels that
// carry a secret of no known form (snmp.community, *.password…) are reported and left for the
// operator (CREDENTIAL_IMPORT_INCOMPLETE). Nothing printed holds a secret.

import { renameSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import { labelProblem } from './credential-refs.js';
import type { CredentialStore } from './credential-store.js';
import { CredentialError, type Credential, type CredentialKind } from './credential-types.js';

export const IMPORT_NAME_PREFIX = 'imported/';

export interface ImportedSecret {
  deviceId: string;
  field: string; // "labels.ssh.credential", "snmp.credential"
  name: string;
  kind: CredentialKind;
  created: boolean; // this line made a new store entry (later lines naming it, and reused entries: false)
}

export interface ImportReport {
  file: string;
  store: string;
  dryRun: boolean;
  moved: ImportedSecret[];
  left: { deviceId: string; field: string; reason: string }[];
  created: string[]; // names of the new store entries
}

interface Found {
  deviceId: string;
  field: string;
  node: Scalar;
  credential: Credential;
}

const LOGIN = /^login:([^:]+):(.*)$/s;
const COMMUNITY = /^community:(.+)$/s;
const canonical = (c: Credential) => JSON.stringify(Object.entries(c).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));

function deviceList(doc: ReturnType<typeof parseDocument>, file: string): YAMLMap[] {
  const root = doc.contents;
  const list = isSeq(root) ? root : isMap(root) ? root.get('devices') : null;
  if (!isSeq(list)) throw new CredentialError('CREDENTIAL_IMPORT_INVALID', `${file} is not an inventory: a list of devices or a mapping with a "devices" list`);
  return list.items.filter((i): i is YAMLMap => isMap(i));
}

/** The secrets an inventory document carries in clear, and the ones of no known form. */
function findSecrets(devices: YAMLMap[]): { found: Found[]; left: ImportReport['left'] } {
  const found: Found[] = [];
  const left: ImportReport['left'] = [];
  devices.forEach((d, i) => {
    const deviceId = String(d.get('deviceId') ?? d.get('id') ?? `(entry ${i})`);
    const labels = d.get('labels');
    if (isMap(labels)) {
      for (const pair of labels.items) {
        if (!isScalar(pair.key) || !isScalar(pair.value)) continue;
        const key = String(pair.key.value);
        const value = String(pair.value.value);
        const field = `labels.${key}`;
        const login = key === 'ssh.credential' ? LOGIN.exec(value) : null;
        if (login) found.push({ deviceId, field, node: pair.value, credential: { kind: 'ssh-password', username: login[1], password: login[2] } });
        else {
          const problem = labelProblem(key, value);
          if (problem) left.push({ deviceId, field, reason: `${problem.code}: ${problem.message.replace(/; refused.*$/, '')}` });
        }
      }
    }
    const snmp = d.get('snmp');
    const credential = isMap(snmp) ? snmp.get('credential', true) : undefined;
    if (isScalar(credential)) {
      const community = COMMUNITY.exec(String(credential.value));
      if (community) found.push({ deviceId, field: 'snmp.credential', node: credential, credential: { kind: 'snmp-community', community: community[1] } });
    }
  });
  return { found, left };
}

export async function importLabelSecrets(file: string, store: CredentialStore, opts: { dryRun?: boolean } = {}): Promise<ImportReport> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CredentialError('CREDENTIAL_IMPORT_INVALID', `inventory ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new CredentialError('CREDENTIAL_IMPORT_INVALID', `${file} is not valid YAML (line ${doc.errors[0].linePos?.[0].line ?? '?'})`);
  const { found, left } = findSecrets(deviceList(doc, file));
  const report: ImportReport = { file, store: store.file, dryRun: Boolean(opts.dryRun), moved: [], left, created: [] };
  if (found.length === 0) return report;

  // Same content, same name: an entry already stored (by an earlier run, or by hand) is reused.
  const byContent = new Map<string, string>();
  for (const name of store.names()) {
    const c = store.get(name);
    if (c && !byContent.has(canonical(c))) byContent.set(canonical(c), name);
  }
  const taken = new Set(store.names());
  const fresh: Record<string, Credential> = {};
  const nameFor = (c: Credential): { name: string; created: boolean } => {
    const known = byContent.get(canonical(c));
    if (known) return { name: known, created: false };
    const base = `${IMPORT_NAME_PREFIX}${c.kind === 'ssh-password' ? 'ssh' : c.kind}`;
    let n = 1;
    while (taken.has(`${base}-${n}`)) n++;
    const name = `${base}-${n}`;
    taken.add(name);
    byContent.set(canonical(c), name);
    fresh[name] = c;
    return { name, created: true };
  };
  for (const f of found) {
    const { name, created } = nameFor(f.credential);
    report.moved.push({ deviceId: f.deviceId, field: f.field, name, kind: f.credential.kind, created });
  }
  report.created = Object.keys(fresh);
  if (opts.dryRun) return report;

  await store.putAll(fresh); // first: if it fails, the file still holds what it held
  found.forEach((f, i) => {
    f.node.value = report.moved[i].name;
    f.node.type = 'PLAIN';
  });
  const tmp = `${file}.import-labels.tmp`;
  rmSync(tmp, { force: true });
  writeFileSync(tmp, doc.toString(), { mode: statSync(file).mode & 0o777, flag: 'wx' });
  renameSync(tmp, file);
  return report;
}

/** The report as the lines the command prints (never a secret). */
export function formatImportReport(r: ImportReport): string[] {
  const lines = r.moved.map((m) => `${m.deviceId}\t${m.field}\t→ ${m.name} (${m.kind}${m.created ? ', new' : ''})`);
  for (const l of r.left) lines.push(`${l.deviceId}\t${l.field}\tleft as it is: ${l.reason}`);
  const devices = new Set(r.moved.map((m) => m.deviceId)).size;
  const credentials = new Set(r.moved.map((m) => m.name)).size;
  if (r.moved.length === 0) lines.push(`nothing to move: ${r.file} holds no login: or community: literal`);
  else {
    const verb = r.dryRun ? 'would move' : 'moved';
    lines.push(`${verb} ${r.moved.length} secrets of ${devices} devices into ${credentials} credentials (${r.created.length} new) in ${r.store}`);
    lines.push(r.dryRun ? `${r.file} unchanged (--dry-run)` : `${r.file} now names them; publish it again: inventory import ${r.file}`);
  }
  return lines;
}

// The lab's devices are polled like any network's: their inventory names credentials and the
// lab stores them, sealed, in the credential store the collectors read (never "community:" or
// "login:" literals, which imports refuse). The store is the one OC_CREDENTIALS_FILE and
// OC_CREDENTIALS_KEY[_FILE] name (the pipeline gives the lab, the inventory import, the collectors
// and the API the same); a lab started without them keeps a store and a key of its own in its
// data folder (<dataDir>/credentials.enc.json, <dataDir>/credentials.key, both mode 0600) and
// logs where they are.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateCredentialKey, parseKey } from '../../credentials/credential-key.js';
import { loadCredentialKey } from '../../credentials/settings.js';
import { CredentialStore } from '../../credentials/credential-store.js';
import { credentialFileFromEnv } from '../../credentials/open-store.js';

export const labSnmpCredentialName = (deviceId: string) => `lab/${deviceId}/snmp`;
export const labSshCredentialName = (deviceId: string) => `lab/${deviceId}/ssh`;

export interface LabCredentialStore {
  store: CredentialStore;
  file: string;
  keyFile: string | null; // the lab's own key file, when the environment named no key
}

/** A key file made once (mode 0600) and read back on later starts. */
export function ensureKeyFile(file: string): Buffer {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, generateCredentialKey() + '\n', { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process made it first
    }
  }
  return parseKey(readFileSync(file, 'utf8'), file);
}

export function openLabCredentialStore(env: NodeJS.ProcessEnv, dataDir: string, root = process.cwd()): LabCredentialStore {
  if (env.OC_CREDENTIALS_KEY || env.OC_CREDENTIALS_KEY_FILE) {
    const file = credentialFileFromEnv(env, root);
    return { store: CredentialStore.open(file, loadCredentialKey(env)), file, keyFile: null };
  }
  const keyFile = path.join(dataDir, 'credentials.key');
  const file = env.OC_CREDENTIALS_FILE ? credentialFileFromEnv(env, root) : path.join(dataDir, 'credentials.enc.json');
  return { store: CredentialStore.open(file, ensureKeyFile(keyFile)), file, keyFile };
}

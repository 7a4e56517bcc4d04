// How roles get at the credential store: file from OC_CREDENTIALS_FILE (default
// .run/<OC_PROFILE or dev>/credentials.enc.json), key from OC_CREDENTIALS_KEY[_FILE]. A role with
// neither a key nor a store file runs without stored credentials (inventory "community:<value>"
// literals still work, named credentials resolve to CREDENTIAL_UNKNOWN); a store file without a
// key is a start-up error, because every device using it would fail.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { CredentialStore, type CredentialLookup } from './credential-store.js';
import { loadCredentialKey, loadCredentialStoreConfig } from './settings.js';
import { CredentialError } from './credential-types.js';

export function credentialFileFromEnv(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): string {
  const { credentialsFile } = loadCredentialStoreConfig(env);
  if (credentialsFile) return path.resolve(root, credentialsFile);
  return path.join(root, '.run', env.OC_PROFILE || 'dev', 'credentials.enc.json');
}

export const NO_CREDENTIALS: CredentialLookup = { get: () => undefined };

export function openCredentialStoreFromEnv(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): { store: CredentialLookup; file: string; enabled: boolean } {
  const file = credentialFileFromEnv(env, root);
  const haveKey = loadCredentialStoreConfig(env).credentialsKey !== '';
  if (!haveKey) {
    if (existsSync(file)) {
      throw new CredentialError('CREDENTIAL_KEY_MISSING', `credential store ${file} exists but neither OC_CREDENTIALS_KEY nor OC_CREDENTIALS_KEY_FILE is set`);
    }
    return { store: NO_CREDENTIALS, file, enabled: false };
  }
  return { store: CredentialStore.open(file, loadCredentialKey(env)), file, enabled: true };
}

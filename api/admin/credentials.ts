// Credentials through the API: write-only. Names, kinds and update times can be listed; a secret
// never leaves the store (credentials/). A replica without OC_CREDENTIALS_KEY has no
// store and answers NOT_CONFIGURED.

import { CredentialStore } from '../../credentials/credential-store.js';
import { loadCredentialKey } from '../../credentials/settings.js';
import { CredentialError } from '../../credentials/credential-types.js';
import { credentialFileFromEnv } from '../../credentials/open-store.js';
import { ApiError } from '../errors.js';

export interface CredentialInfo {
  name: string;
  kind: string;
  updatedAt: number;
}

/** The store named by the environment, or null when no key is configured. */
export function openCredentialStore(env: NodeJS.ProcessEnv = process.env): CredentialStore | null {
  if (!env.OC_CREDENTIALS_KEY && !env.OC_CREDENTIALS_KEY_FILE) return null;
  return CredentialStore.open(credentialFileFromEnv(env), loadCredentialKey(env));
}

function requireStore(store: CredentialStore | null | undefined): CredentialStore {
  if (!store) throw new ApiError('NOT_CONFIGURED', 'this API replica has no credential store: set OC_CREDENTIALS_KEY (or _FILE) and OC_CREDENTIALS_FILE');
  return store;
}

// The store's own faults (a wrong key, a damaged file, another writer holding the lock too long)
// are the server's, not the caller's input.
const SERVER_SIDE = new Set(['CREDENTIAL_DECRYPT_FAILED', 'CREDENTIAL_FILE_INVALID', 'CREDENTIAL_STORE_LOCKED']);

/** Credential errors name the credential and field, never a value: safe to hand on as BAD_USER_INPUT. */
function asApiError(err: unknown): never {
  if (err instanceof CredentialError) throw new ApiError(SERVER_SIDE.has(err.code) ? 'INTERNAL' : 'BAD_USER_INPUT', err.message, { canRetry: err.canRetry });
  throw err;
}

export function listCredentials(store: CredentialStore | null | undefined): CredentialInfo[] {
  try {
    return requireStore(store).list();
  } catch (err) {
    return asApiError(err);
  }
}

export async function setCredential(store: CredentialStore | null | undefined, name: string, credential: unknown): Promise<CredentialInfo> {
  const s = requireStore(store);
  try {
    await s.put(name, credential);
    return s.list().find((c) => c.name === name)!;
  } catch (err) {
    return asApiError(err);
  }
}

export async function deleteCredential(store: CredentialStore | null | undefined, name: string): Promise<boolean> {
  try {
    return await requireStore(store).delete(name);
  } catch (err) {
    return asApiError(err);
  }
}

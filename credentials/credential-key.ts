// The key that seals the credential store: 32 random bytes, base64, from OC_CREDENTIALS_KEY or
// from the file named by OC_CREDENTIALS_KEY_FILE (a Kubernetes secret mount, a local file made by
// `credentials keygen`). Errors name the variable and what is wrong with it, never the key.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CredentialError } from './credential-types.js';

export const CREDENTIAL_KEY_BYTES = 32; // AES-256

export function parseKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  // Buffer.from ignores characters outside the alphabet: compare round trip, not just length
  if (key.length !== CREDENTIAL_KEY_BYTES || key.toString('base64').replace(/=+$/, '') !== trimmed.replace(/=+$/, '')) {
    throw new CredentialError('CREDENTIAL_KEY_INVALID', `${source} must hold ${CREDENTIAL_KEY_BYTES} bytes in base64 (44 characters); it holds ${trimmed.length} characters that are not such a key`);
  }
  return key;
}

/** The store key from the environment; CREDENTIAL_KEY_MISSING when neither variable is set. */
export function loadCredentialKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  if (env.OC_CREDENTIALS_KEY) return parseKey(env.OC_CREDENTIALS_KEY, 'OC_CREDENTIALS_KEY');
  const file = env.OC_CREDENTIALS_KEY_FILE;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new CredentialError('CREDENTIAL_KEY_INVALID', `OC_CREDENTIALS_KEY_FILE names ${file}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    return parseKey(text, `OC_CREDENTIALS_KEY_FILE (${file})`);
  }
  throw new CredentialError('CREDENTIAL_KEY_MISSING', 'no credential store key: set OC_CREDENTIALS_KEY (base64 of 32 random bytes) or OC_CREDENTIALS_KEY_FILE (a file holding it); `credentials keygen` prints a new one');
}

export function generateCredentialKey(): string {
  return randomBytes(CREDENTIAL_KEY_BYTES).toString('base64');
}

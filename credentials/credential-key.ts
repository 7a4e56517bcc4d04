// The key that seals the credential store: 32 random bytes, base64, from OC_CREDENTIALS_KEY or
// from the file named by OC_CREDENTIALS_KEY_FILE (a Kubernetes secret mount, a local file made by
// `credentials keygen`), read through the settings schema (settings.ts). Errors name the variable
// and what is wrong with it, never the key.

import { randomBytes } from 'node:crypto';
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

export function generateCredentialKey(): string {
  return randomBytes(CREDENTIAL_KEY_BYTES).toString('base64');
}

// How an inventory record refers to credentials, and how secrets are kept out of it. The record
// names credentials; only the encrypted store holds them (credential-store.ts). References:
//   snmp.credential            an snmp-community or snmp-v3 credential
//   labels["<x>.credential"]   a credential of protocol x: ssh.credential names an ssh-password
//                              or ssh-key credential
// A record travels in clear on inventory.devices, into the devices table, into dead letters and
// to every API reader, so whatever would carry a secret there is refused where records are made
// (YAML import, NetBox sync and webhook, the API's upsertDevice) and again by the collector:
//   - a reference that is not a credential name: "login:<user>:<password>", "community:<value>"
//     (INVENTORY_SECRET_LITERAL; anything else that is not a name: INVENTORY_BAD_CREDENTIAL_NAME)
//   - a label whose key names a secret (snmp.community, ssh.password, mcp.token, snmp.authKey…)
//   - a label value holding a private key or a "login:" / "community:" literal
// Messages name the device and the field, never the value. `credentials import-labels` moves
// what older inventories hold into the store.

import { isCredentialName } from './credential-types.js';

export const SECRET_LITERAL = 'INVENTORY_SECRET_LITERAL';
export const BAD_CREDENTIAL_NAME = 'INVENTORY_BAD_CREDENTIAL_NAME';
export type CredentialRefCode = typeof SECRET_LITERAL | typeof BAD_CREDENTIAL_NAME;

/** What an API reader sees instead of a value that is, or may be, a secret. */
export const REDACTED = '(redacted)';

const REF_KEY = /(^|[._-])credential$/i;
// Compared with separators removed and lower-cased: "snmp.auth-key" → "snmpauthkey".
const SECRET_KEY_ENDINGS = ['password', 'passwd', 'passphrase', 'secret', 'community', 'token', 'authkey', 'privkey', 'privatekey', 'apikey'];
const LITERAL = /^(login|community):/i;
const PRIVATE_KEY = /PRIVATE KEY-----/;

/** True for a label that names a credential (ssh.credential…). */
export function isCredentialRefKey(key: string): boolean {
  return REF_KEY.test(key);
}

function namesASecret(key: string): boolean {
  const flat = key.replace(/[._\-/\s]/g, '').toLowerCase();
  return SECRET_KEY_ENDINGS.some((e) => flat.endsWith(e));
}

export interface CredentialRefProblem {
  code: CredentialRefCode;
  field: string;
  message: string; // names the field and the fix, never the value
}

const MOVE_IT = 'move it into the credential store and name it here (`credentials import-labels` does it for an inventory file)';

/** Why a credential reference is refused, or null when it is a name. */
export function credentialRefProblem(field: string, value: string): CredentialRefProblem | null {
  if (isCredentialName(value)) return null;
  if (LITERAL.test(value) || value.includes(':') || PRIVATE_KEY.test(value)) {
    return { code: SECRET_LITERAL, field, message: `${field} holds a secret in clear, not the name of a stored credential; refused: ${MOVE_IT}` };
  }
  return { code: BAD_CREDENTIAL_NAME, field, message: `${field} must name a stored credential (1-128 letters, digits and . _ - / @), it holds ${value.length} other characters` };
}

/** Why a label is refused, or null. */
export function labelProblem(key: string, value: string): CredentialRefProblem | null {
  const field = `label ${JSON.stringify(key.slice(0, 64))}`;
  if (isCredentialRefKey(key)) return credentialRefProblem(field, value);
  if (namesASecret(key)) return { code: SECRET_LITERAL, field, message: `${field} names a secret; labels travel in clear (inventory topic, devices table, API): ${MOVE_IT} under a "<protocol>.credential" label` };
  if (LITERAL.test(value) || PRIVATE_KEY.test(value)) return { code: SECRET_LITERAL, field, message: `${field} holds a secret in clear; refused: ${MOVE_IT}` };
  return null;
}

/** The first reason an inventory record cannot be published as it is, or null. */
export function inventorySecretProblem(device: { labels?: Record<string, string> | null; snmp?: { credential: string } | null }): CredentialRefProblem | null {
  if (device.snmp) {
    const p = credentialRefProblem('snmp.credential', device.snmp.credential);
    if (p) return p;
  }
  for (const [k, v] of Object.entries(device.labels ?? {})) {
    const p = labelProblem(k, String(v));
    if (p) return p;
  }
  return null;
}

/** Labels as an API reader may see them: a credential reference shows its name only, anything that is or may be a secret shows REDACTED. */
export function redactLabels(labels: Record<string, string> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) out[k] = labelProblem(k, String(v)) ? REDACTED : v;
  return out;
}

/** An SNMP access record as an API reader may see it: the credential name, or REDACTED for a literal. */
export function redactSnmpAccess<T extends { credential?: unknown }>(snmp: T | null | undefined): T | null {
  if (!snmp || typeof snmp !== 'object') return snmp ?? null;
  return isCredentialName(snmp.credential) ? snmp : { ...snmp, credential: REDACTED };
}

// What a stored credential is. Inventory records name a credential; only the collector that polls
// the device resolves the name to one of these, in memory. Validation errors name the credential
// and the field, never a secret value.
import { OpsError } from '../common/errors.js';
import type { credentialErrors } from '../common/error-codes/inventory.js';

export const SNMP_V3_AUTH_PROTOCOLS = ['none', 'md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
// AES only: DES needs OpenSSL's legacy provider, which Node 20 does not load (net-snmp fails with
// ERR_OSSL_EVP_UNSUPPORTED), and no one should still configure it.
export const SNMP_V3_PRIV_PROTOCOLS = ['none', 'aes', 'aes256b', 'aes256r'] as const;
export type SnmpV3AuthProtocol = (typeof SNMP_V3_AUTH_PROTOCOLS)[number];
export type SnmpV3PrivProtocol = (typeof SNMP_V3_PRIV_PROTOCOLS)[number];

export interface SnmpCommunityCredential {
  kind: 'snmp-community';
  community: string;
}

export interface SnmpV3Credential {
  kind: 'snmp-v3';
  user: string;
  authProtocol: SnmpV3AuthProtocol;
  authKey?: string; // passphrase, localised by the poller with the agent's engine id
  privProtocol: SnmpV3PrivProtocol;
  privKey?: string;
}

export interface SshPasswordCredential {
  kind: 'ssh-password';
  username: string;
  password: string;
}

export interface SshKeyCredential {
  kind: 'ssh-key';
  username: string;
  privateKey: string; // PEM / OpenSSH text
  passphrase?: string;
}

export interface McpAccountCredential {
  kind: 'mcp-account';
  username: string;
  password: string;
}

export type Credential = SnmpCommunityCredential | SnmpV3Credential | SshPasswordCredential | SshKeyCredential | McpAccountCredential;
export type CredentialKind = Credential['kind'];
export const CREDENTIAL_KINDS: CredentialKind[] = ['snmp-community', 'snmp-v3', 'ssh-password', 'ssh-key', 'mcp-account'];

export type CredentialErrorCode = keyof typeof credentialErrors;

/** An OpsError of the store's codes; callers tell the store's failures apart with instanceof. */
export class CredentialError extends OpsError {
  declare readonly code: CredentialErrorCode;
  constructor(code: CredentialErrorCode, message: string, canRetry?: boolean) {
    super(code, message, { canRetry });
    this.name = 'CredentialError';
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._\-/@]{0,127}$/;

/** A name the store can hold: no ":" (so no "login:user:password" or "community:value" literal), no space. */
export function isCredentialName(name: unknown): boolean {
  return typeof name === 'string' && NAME.test(name);
}

export function assertCredentialName(name: string): void {
  if (!isCredentialName(name)) {
    throw new CredentialError('CREDENTIAL_INVALID', `credential name ${JSON.stringify(String(name).slice(0, 64))} must be 1-128 characters of letters, digits and . _ - / @`);
  }
}

/** Checks the shape of a credential; returns a clean copy with only the known fields. */
export function validateCredential(name: string, input: unknown): Credential {
  assertCredentialName(name);
  const c = (input ?? {}) as Record<string, unknown>;
  const bad = (field: string, why: string): never => {
    throw new CredentialError('CREDENTIAL_INVALID', `credential ${name}: ${field} ${why}`);
  };
  const text = (field: string, required = true, minLength = 1): string | undefined => {
    const v = c[field];
    if (v === undefined || v === null || v === '') {
      if (required) bad(field, 'is missing');
      return undefined;
    }
    if (typeof v !== 'string') return bad(field, `must be a string, got ${typeof v}`);
    if (v.length < minLength) bad(field, `must be at least ${minLength} characters long (got ${v.length})`);
    return v;
  };
  switch (c.kind) {
    case 'snmp-community':
      return { kind: 'snmp-community', community: text('community')! };
    case 'snmp-v3': {
      const authProtocol = (c.authProtocol ?? 'none') as SnmpV3AuthProtocol;
      const privProtocol = (c.privProtocol ?? 'none') as SnmpV3PrivProtocol;
      if (!SNMP_V3_AUTH_PROTOCOLS.includes(authProtocol)) bad('authProtocol', `must be one of ${SNMP_V3_AUTH_PROTOCOLS.join(', ')}`);
      if (!SNMP_V3_PRIV_PROTOCOLS.includes(privProtocol)) bad('privProtocol', `must be one of ${SNMP_V3_PRIV_PROTOCOLS.join(', ')} (DES is not supported)`);
      if (authProtocol === 'none' && privProtocol !== 'none') bad('privProtocol', 'needs an authProtocol: SNMPv3 has no privacy without authentication');
      // RFC 3414 §11.2: pass phrases of at least 8 characters
      const authKey = authProtocol === 'none' ? undefined : text('authKey', true, 8);
      const privKey = privProtocol === 'none' ? undefined : text('privKey', true, 8);
      return { kind: 'snmp-v3', user: text('user')!, authProtocol, authKey, privProtocol, privKey };
    }
    case 'ssh-password':
      return { kind: 'ssh-password', username: text('username')!, password: text('password')! };
    case 'ssh-key': {
      const privateKey = text('privateKey')!;
      if (!privateKey.includes('PRIVATE KEY')) bad('privateKey', 'does not look like a PEM or OpenSSH private key');
      return { kind: 'ssh-key', username: text('username')!, privateKey, passphrase: text('passphrase', false) };
    }
    case 'mcp-account':
      return { kind: 'mcp-account', username: text('username')!, password: text('password')! };
    default:
      return bad('kind', `must be one of ${CREDENTIAL_KINDS.join(', ')}, got ${JSON.stringify(String(c.kind ?? '')).slice(0, 40)}`);
  }
}

/** The SNMPv3 security level a credential gives. */
export function securityLevelOf(c: SnmpV3Credential): 'noAuthNoPriv' | 'authNoPriv' | 'authPriv' {
  if (c.authProtocol === 'none') return 'noAuthNoPriv';
  return c.privProtocol === 'none' ? 'authNoPriv' : 'authPriv';
}

// Named credentials, encrypted at rest. Each entry is sealed on its own with AES-256-GCM (random
// 96-bit IV, 128-bit tag) and its name as additional authenticated data, so an entry copied under
// another name, or edited, fails to open instead of handing the wrong secret to a device.
//
// File (JSON, mode 0600, replaced atomically):
//   { "format": "opsconductor-credentials", "version": 1,
//     "entries": { "<name>": { "iv": b64, "tag": b64, "data": b64, "updatedAt": ms } } }
// Names and update times are in clear (an operator can list them without the key); kinds,
// users and secrets are not.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CredentialError, assertCredentialName, validateCredential, type Credential, type CredentialKind } from './credential-types.js';

const FORMAT = 'opsconductor-credentials';
const IV_BYTES = 12;

interface SealedEntry {
  iv: string;
  tag: string;
  data: string;
  updatedAt: number;
}

interface StoreFile {
  format: typeof FORMAT;
  version: 1;
  entries: Record<string, SealedEntry>;
}

/** Read side the pollers need: resolve a name, nothing else. */
export interface CredentialLookup {
  get(name: string): Credential | undefined;
}

export function seal(key: Buffer, name: string, credential: Credential, now = Date.now()): SealedEntry {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(name, 'utf8'));
  const data = Buffer.concat([cipher.update(JSON.stringify(credential), 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64'), updatedAt: now };
}

export function unseal(key: Buffer, name: string, entry: SealedEntry, file: string): Credential {
  let plain: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(entry.iv, 'base64'));
    decipher.setAAD(Buffer.from(name, 'utf8'));
    decipher.setAuthTag(Buffer.from(entry.tag, 'base64'));
    plain = Buffer.concat([decipher.update(Buffer.from(entry.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new CredentialError('CREDENTIAL_DECRYPT_FAILED', `credential ${name} in ${file} cannot be opened with this key (wrong OC_CREDENTIALS_KEY, or the entry was altered)`);
  }
  return validateCredential(name, JSON.parse(plain));
}

export class CredentialStore implements CredentialLookup {
  private entries: Record<string, SealedEntry>;
  private readonly cache = new Map<string, Credential>();

  private constructor(
    readonly file: string,
    private readonly key: Buffer,
    entries: Record<string, SealedEntry>,
  ) {
    this.entries = entries;
  }

  /** Opens the store file (an absent file is an empty store, created on the first put). */
  static open(file: string, key: Buffer): CredentialStore {
    if (!existsSync(file)) return new CredentialStore(file, key, {});
    let parsed: StoreFile;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as StoreFile;
    } catch (err) {
      throw new CredentialError('CREDENTIAL_FILE_INVALID', `credential store ${file} is not readable JSON (${(err as Error).name})`);
    }
    if (parsed?.format !== FORMAT || parsed.version !== 1 || typeof parsed.entries !== 'object' || parsed.entries === null) {
      throw new CredentialError('CREDENTIAL_FILE_INVALID', `${file} is not an opsconductor credential store (format/version/entries missing)`);
    }
    return new CredentialStore(file, key, parsed.entries);
  }

  names(): string[] {
    return Object.keys(this.entries).sort();
  }

  has(name: string): boolean {
    return Object.hasOwn(this.entries, name);
  }

  /** The credential, or undefined when no entry has that name; throws when the entry cannot be opened. */
  get(name: string): Credential | undefined {
    const cached = this.cache.get(name);
    if (cached) return cached;
    if (!this.has(name)) return undefined;
    const credential = unseal(this.key, name, this.entries[name], this.file);
    this.cache.set(name, credential);
    return credential;
  }

  /** Like get, but an unknown name is a CREDENTIAL_UNKNOWN error. */
  require(name: string): Credential {
    const c = this.get(name);
    if (!c) throw new CredentialError('CREDENTIAL_UNKNOWN', `credential ${name} is not in ${this.file}`);
    return c;
  }

  /** Names and kinds, for listing: opens every entry, so it also proves the key. */
  list(): { name: string; kind: CredentialKind; updatedAt: number }[] {
    return this.names().map((name) => ({ name, kind: this.get(name)!.kind, updatedAt: this.entries[name].updatedAt }));
  }

  put(name: string, credential: unknown): void {
    const clean = validateCredential(name, credential);
    this.entries = { ...this.entries, [name]: seal(this.key, name, clean) };
    this.cache.set(name, clean);
    this.save();
  }

  delete(name: string): boolean {
    assertCredentialName(name);
    if (!this.has(name)) return false;
    const { [name]: _gone, ...rest } = this.entries;
    this.entries = rest;
    this.cache.delete(name);
    this.save();
    return true;
  }

  private save(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const body: StoreFile = { format: FORMAT, version: 1, entries: this.entries };
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

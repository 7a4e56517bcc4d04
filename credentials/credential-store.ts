// Named credentials, encrypted at rest. Each entry is sealed on its own with AES-256-GCM (random
// 96-bit IV, 128-bit tag) and its name as additional authenticated data, so an entry copied under
// another name, or edited, fails to open instead of handing the wrong secret to a device.
//
// File (JSON, mode 0600, replaced atomically):
//   { "format": "opsconductor-credentials", "version": 1,
//     "entries": { "<name>": { "iv": b64, "tag": b64, "data": b64, "updatedAt": ms } } }
// Names and update times are in clear (an operator can list them without the key); kinds,
// users and secrets are not.
//
// Several processes share the file: collectors read it, the CLI, the API's admin mutations and the
// lab write it. A write takes the store's lock (store-lock.ts), re-reads the file, applies only
// its own changes to what it read, and replaces the file: two writers never lose each other's
// entries. Readers notice a replaced file (its inode, size or mtime changed) at most
// reloadCheckMs after it happened, on their next lookup, and re-read it: a collector uses a
// credential put after it started without a restart.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { CredentialError, assertCredentialName, validateCredential, type Credential, type CredentialKind } from './credential-types.js';
import { withStoreLock, type STORE_LOCK_DEFAULTS } from './store-lock.js';

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

export const CREDENTIAL_STORE_DEFAULTS = {
  reloadCheckMs: 1_000, // how stale a reader's view may be: a lookup stats the file at most this often
};

export interface CredentialStoreOptions {
  reloadCheckMs?: number;
  lock?: Partial<typeof STORE_LOCK_DEFAULTS>;
}

/** What identifies one version of the file: a write replaces it (new inode) by rename. */
type FileVersion = string;

function versionOf(file: string): FileVersion {
  try {
    const st = statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw err;
  }
}

/** The entries of the file as it is now (an absent file is an empty store), and its version. */
function readStoreFile(file: string): { entries: Record<string, SealedEntry>; version: FileVersion } {
  // version first: a write landing between the two is seen by the next check, never missed
  const version = versionOf(file);
  if (version === 'absent') return { entries: {}, version };
  let parsed: StoreFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as StoreFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: {}, version: 'absent' };
    throw new CredentialError('CREDENTIAL_FILE_INVALID', `credential store ${file} is not readable JSON (${(err as Error).name})`);
  }
  if (parsed?.format !== FORMAT || parsed.version !== 1 || typeof parsed.entries !== 'object' || parsed.entries === null) {
    throw new CredentialError('CREDENTIAL_FILE_INVALID', `${file} is not an opsconductor credential store (format/version/entries missing)`);
  }
  return { entries: parsed.entries, version };
}

export class CredentialStore implements CredentialLookup {
  private entries: Record<string, SealedEntry>;
  private version: FileVersion;
  private checkedAt: number;
  private readonly cache = new Map<string, Credential>();
  private readonly reloadCheckMs: number;

  private constructor(
    readonly file: string,
    private readonly key: Buffer,
    loaded: { entries: Record<string, SealedEntry>; version: FileVersion },
    private readonly opts: CredentialStoreOptions,
  ) {
    this.entries = loaded.entries;
    this.version = loaded.version;
    this.checkedAt = Date.now();
    this.reloadCheckMs = opts.reloadCheckMs ?? CREDENTIAL_STORE_DEFAULTS.reloadCheckMs;
  }

  /** Opens the store file (an absent file is an empty store, created on the first put). */
  static open(file: string, key: Buffer, opts: CredentialStoreOptions = {}): CredentialStore {
    return new CredentialStore(file, key, readStoreFile(file), opts);
  }

  /** Re-reads the file when another process replaced it since it was read (checked at most every reloadCheckMs). */
  refresh(force = false): void {
    const now = Date.now();
    if (!force && now - this.checkedAt < this.reloadCheckMs) return;
    this.checkedAt = now;
    if (versionOf(this.file) === this.version) return;
    this.adopt(readStoreFile(this.file));
  }

  private adopt(loaded: { entries: Record<string, SealedEntry>; version: FileVersion }): void {
    this.entries = loaded.entries;
    this.version = loaded.version;
    this.cache.clear();
  }

  names(): string[] {
    this.refresh();
    return Object.keys(this.entries).sort();
  }

  has(name: string): boolean {
    this.refresh();
    return Object.hasOwn(this.entries, name);
  }

  /** The credential, or undefined when no entry has that name; throws when the entry cannot be opened. */
  get(name: string): Credential | undefined {
    this.refresh();
    const cached = this.cache.get(name);
    if (cached) return cached;
    if (!Object.hasOwn(this.entries, name)) return undefined;
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

  put(name: string, credential: unknown): Promise<void> {
    return this.putAll({ [name]: credential });
  }

  /** Stores several credentials in one write (one lock, one rewrite of the file). */
  async putAll(credentials: Record<string, unknown>): Promise<void> {
    const clean = Object.entries(credentials).map(([name, c]) => [name, validateCredential(name, c)] as const);
    await this.update((entries) => {
      for (const [name, c] of clean) entries[name] = seal(this.key, name, c);
      return true;
    });
  }

  /** Removes a credential; false when there was none of that name (in the file as it is now). */
  async delete(name: string): Promise<boolean> {
    assertCredentialName(name);
    return this.update((entries) => {
      if (!Object.hasOwn(entries, name)) return false;
      delete entries[name];
      return true;
    });
  }

  /**
   * Under the lock: re-reads the file, lets `change` edit the entries read (never this
   * process's older snapshot), writes them back when it returns true, and adopts the result.
   */
  private update(change: (entries: Record<string, SealedEntry>) => boolean): Promise<boolean> {
    mkdirSync(path.dirname(this.file), { recursive: true });
    return withStoreLock(
      this.file,
      () => {
        const current = readStoreFile(this.file);
        const entries = { ...current.entries };
        const changed = change(entries);
        if (changed) this.adopt({ entries, version: this.write(entries) });
        else this.adopt(current);
        this.checkedAt = Date.now();
        return changed;
      },
      this.opts.lock,
    );
  }

  /** Writes the whole file beside itself, flushes it, and renames it over the old one. */
  private write(entries: Record<string, SealedEntry>): FileVersion {
    const body: StoreFile = { format: FORMAT, version: 1, entries };
    const tmp = `${this.file}.${process.pid}.tmp`;
    rmSync(tmp, { force: true }); // a crashed write's leftover: created anew, so with mode 0600
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, JSON.stringify(body, null, 2) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    return versionOf(this.file);
  }
}

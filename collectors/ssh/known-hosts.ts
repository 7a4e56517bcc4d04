// Host keys pinned on first use, in the project's own known-hosts file (OpenSSH's line format,
// "[address]:port key-type base64-key", so `ssh-keygen -F` and `ssh -o UserKnownHostsFile=` read
// it too). The first key a device presents is written down; any later key that differs is
// refused. To accept a legitimately replaced key, an operator deletes its line.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

export type HostKeyVerdict = { ok: true; firstUse: boolean } | { ok: false; expected: string; presented: string };

/** What a session asks before it logs in: is this the key pinned for that address and port? */
export interface HostKeyStore {
  check(address: string, port: number, blob: Buffer): Promise<HostKeyVerdict>;
}

export function hostKeyId(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** The key type named inside an SSH public key blob (string length + name). */
function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return len > 0 && len < 64 && blob.length >= 4 + len ? blob.subarray(4, 4 + len).toString('latin1') : 'unknown';
}

export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

export class KnownHosts implements HostKeyStore {
  private keys = new Map<string, Buffer>();
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {
    if (!existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [host, , b64] = line.trim().split(/\s+/);
      if (!host || host.startsWith('#') || !b64) continue;
      for (const name of host.split(',')) this.keys.set(name, Buffer.from(b64, 'base64'));
    }
  }

  /** Checks a presented key; a host never seen before is pinned (written before the login goes on). */
  async check(address: string, port: number, blob: Buffer): Promise<HostKeyVerdict> {
    const id = hostKeyId(address, port);
    const known = this.keys.get(id);
    if (known) return known.equals(blob) ? { ok: true, firstUse: false } : { ok: false, expected: fingerprint(known), presented: fingerprint(blob) };
    this.keys.set(id, Buffer.from(blob));
    const line = `${id} ${keyTypeOf(blob)} ${blob.toString('base64')}\n`;
    this.writes = this.writes.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      await appendFile(this.file, line, { mode: 0o600 });
    });
    await this.writes;
    return { ok: true, firstUse: true };
  }
}

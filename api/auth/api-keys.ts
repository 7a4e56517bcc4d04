// API keys for machines (wall displays, scripts): created by an admin, shown once, stored as a
// SHA-256 of the key (api_keys, storage/ddl-api.ts). A key is `ock_<id>_<secret>`: the id
// finds the row without scanning, the secret (32 random bytes) is what the hash proves. Verified
// keys are cached briefly; a revocation clears the cache of every replica (api/live/event-bus.ts)
// and the cache time bounds how long a missed message could keep a key alive. A key id that no
// row holds is remembered as unknown for a while (a negative cache, bounded in size), so a forged
// key presented again and again costs one query, not one each; ids are 64 random bits, so an id
// found unknown is not about to be created elsewhere.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../../common/log.js';
import { API_DEFAULTS } from '../defaults.js';
import { ApiError } from '../errors.js';
import { apiKeyLookups, authFailures } from '../metrics.js';
import { isRole, type Role } from './jwt.js';
import type { Principal } from './principal.js';

type Queryable = Pick<pg.Pool, 'query'>;

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

interface CachedKey {
  hash: Buffer;
  record: ApiKeyRecord;
  checkedAt: number;
}

const KEY_FORMAT = /^ock_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

const COLUMNS = `key_id as id, name, role, prefix, created_by as "createdBy",
  (extract(epoch from created_at) * 1000)::float8 as "createdAt",
  (extract(epoch from expires_at) * 1000)::float8 as "expiresAt",
  (extract(epoch from revoked_at) * 1000)::float8 as "revokedAt",
  (extract(epoch from last_used_at) * 1000)::float8 as "lastUsedAt"`;

function hashOf(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function invalidKey(message: string): ApiError {
  authFailures.inc({ transport: 'any', reason: 'API_KEY_INVALID' });
  return new ApiError('UNAUTHENTICATED', `authentication failed: ${message}`, { reason: 'API_KEY_INVALID' });
}

export class ApiKeyStore {
  private readonly cache = new Map<string, CachedKey>();
  private readonly touchedAt = new Map<string, number>();
  /** key id → until when it is known to match no row (insertion order = age, for eviction) */
  private readonly unknown = new Map<string, number>();
  // Bumped by forget(): a row read while a revocation arrived is not cached (it may predate it).
  private generation = 0;

  constructor(
    private readonly db: Queryable,
    private readonly logger: Logger,
    private readonly opts: { cacheMs: number; touchEveryMs: number; unknownCacheMs: number; unknownCacheSize: number } = API_DEFAULTS.apiKeys,
  ) {}

  async create(input: { name: string; role: Role; createdBy: string; expiresInDays?: number | null }): Promise<{ record: ApiKeyRecord; key: string }> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) throw new ApiError('BAD_USER_INPUT', 'an API key name must have 1 to 100 characters');
    if (!isRole(input.role)) throw new ApiError('BAD_USER_INPUT', `unknown role ${String(input.role)}`);
    const days = input.expiresInDays;
    if (days !== undefined && days !== null && !(Number.isInteger(days) && days > 0 && days <= 3650)) {
      throw new ApiError('BAD_USER_INPUT', `expiresInDays must be a whole number of days from 1 to 3650, got ${days}`);
    }
    const id = randomBytes(8).toString('hex');
    const key = `ock_${id}_${randomBytes(32).toString('base64url')}`;
    const prefix = key.slice(0, 24);
    const { rows } = await this.db.query<ApiKeyRecord>(
      `insert into api_keys (key_id, name, role, key_hash, prefix, created_by, expires_at)
       values ($1, $2, $3, $4, $5, $6, case when $7::int is null then null else now() + make_interval(days => $7::int) end)
       returning ${COLUMNS}`,
      [id, name, input.role, hashOf(key), prefix, input.createdBy, days ?? null],
    );
    this.unknown.delete(id);
    this.logger.info('api key created', { keyId: id, name, role: input.role, by: input.createdBy });
    return { record: rows[0], key };
  }

  async list(includeRevoked: boolean, limit: number): Promise<ApiKeyRecord[]> {
    const { rows } = await this.db.query<ApiKeyRecord>(
      `select ${COLUMNS} from api_keys where $1::boolean or revoked_at is null order by created_at, key_id limit $2`,
      [includeRevoked, limit],
    );
    return rows;
  }

  async revoke(id: string): Promise<ApiKeyRecord> {
    const { rows } = await this.db.query<ApiKeyRecord>(
      `update api_keys set revoked_at = coalesce(revoked_at, now()) where key_id = $1 returning ${COLUMNS}`,
      [id],
    );
    if (rows.length === 0) throw new ApiError('NOT_FOUND', `no API key with id ${id.slice(0, 40)}`);
    this.forget(id);
    this.logger.info('api key revoked', { keyId: id });
    return rows[0];
  }

  /** Drops a key from this replica's cache (a revocation seen on another replica). */
  forget(id: string): void {
    this.generation++;
    this.cache.delete(id);
  }

  /** The principal of a presented key, or UNAUTHENTICATED (reason API_KEY_INVALID). */
  async verify(key: string): Promise<Principal> {
    const match = KEY_FORMAT.exec(key.trim());
    if (!match) {
      apiKeyLookups.inc({ source: 'malformed' });
      throw invalidKey('the API key is malformed');
    }
    const id = match[1];
    const now = Date.now();
    let entry = this.cache.get(id);
    if (!entry || now - entry.checkedAt > this.opts.cacheMs) {
      if ((this.unknown.get(id) ?? 0) > now) {
        apiKeyLookups.inc({ source: 'negative_cache' });
        throw invalidKey('unknown API key');
      }
      apiKeyLookups.inc({ source: 'database' });
      const generation = this.generation;
      const { rows } = await this.db.query<ApiKeyRecord & { hash: Buffer }>(`select ${COLUMNS}, key_hash as hash from api_keys where key_id = $1`, [id]);
      const row = rows[0];
      if (!row) {
        this.cache.delete(id);
        this.rememberUnknown(id, now);
        throw invalidKey('unknown API key');
      }
      const { hash, ...record } = row;
      entry = { hash, record, checkedAt: now };
      if (generation === this.generation) this.cache.set(id, entry);
    } else {
      apiKeyLookups.inc({ source: 'cache' });
    }
    const presented = hashOf(key.trim());
    if (presented.length !== entry.hash.length || !timingSafeEqual(presented, entry.hash)) throw invalidKey('unknown API key');
    if (entry.record.revokedAt !== null) throw invalidKey('the API key is revoked');
    if (entry.record.expiresAt !== null && entry.record.expiresAt <= now) throw invalidKey('the API key has expired');
    this.touch(id, now);
    return { sub: `apikey:${entry.record.name}`, role: entry.record.role, via: 'API_KEY', apiKeyId: id, ...(entry.record.expiresAt === null ? {} : { expiresAtMs: entry.record.expiresAt }) };
  }

  private rememberUnknown(id: string, now: number): void {
    this.unknown.delete(id);
    this.unknown.set(id, now + this.opts.unknownCacheMs);
    // Oldest first: a flood of made-up ids pushes out old ones; each costs one query at most.
    while (this.unknown.size > this.opts.unknownCacheSize) this.unknown.delete(this.unknown.keys().next().value!);
  }

  private touch(id: string, now: number): void {
    if (now - (this.touchedAt.get(id) ?? 0) < this.opts.touchEveryMs) return;
    this.touchedAt.set(id, now);
    this.db.query('update api_keys set last_used_at = now() where key_id = $1', [id]).catch((err) => this.logger.warn('recording an API key use failed', { err }));
  }
}

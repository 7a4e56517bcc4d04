// Who a request acts as, whichever way it authenticated, and the order of roles.

import type { Role } from './jwt.js';

export interface Principal {
  /** the token's subject, or "apikey:<name>" */
  sub: string;
  role: Role;
  via: 'JWT' | 'API_KEY';
  apiKeyId?: string;
  /** ms epoch after which the credential is no longer valid (a websocket is closed then) */
  expiresAtMs?: number;
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, analyst: 2, admin: 3 };

export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

export function higherRole(a: Role | undefined, b: Role | undefined): Role | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

/** What rate limits count against: one budget per token subject or per API key. */
export function rateSubject(p: Principal): string {
  return p.via === 'API_KEY' ? `key:${p.apiKeyId}` : `jwt:${p.sub}`;
}

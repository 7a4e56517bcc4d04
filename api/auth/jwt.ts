// The tokens this deployment mints itself: HS256 with API_JWT_SECRET (`opsconductor token`, the
// demo, tests), with node:crypto. Tokens are verified by token-verifier.ts (jose), which also
// accepts an identity provider's RS256 tokens.

import { createHmac } from 'node:crypto';
import type { AuthFailureReason } from '../errors.js';
import { OpsError } from '../../common/errors.js';

export const ROLES = ['viewer', 'operator', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface TokenClaims {
  sub: string;
  role: Role;
  iat: number; // seconds since epoch
  exp: number; // seconds since epoch
}

export const JWT_DEFAULTS = {
  clockToleranceS: 5, // accepted skew between the minting host and this one
  minSecretLength: 16, // characters; HS256 with a short secret can be brute-forced offline
} as const;

export class TokenError extends OpsError {
  declare readonly code: AuthFailureReason;
  constructor(code: AuthFailureReason, message: string) {
    super(code, message);
    this.name = 'TokenError';
  }
}

const HEADER_B64 = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

function sign(signingInput: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

/** Throws a TypeError naming the rule when a secret is too weak to sign with. */
export function assertUsableSecret(secret: string, settingName = 'JWT secret'): void {
  if (typeof secret !== 'string' || secret.length < JWT_DEFAULTS.minSecretLength) {
    throw new TypeError(`${settingName} must be at least ${JWT_DEFAULTS.minSecretLength} characters long`);
  }
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function signToken(
  input: { sub: string; role: Role; expiresInS: number },
  secret: string,
  nowMs: number = Date.now(),
): string {
  assertUsableSecret(secret);
  if (!isRole(input.role)) throw new TypeError(`unknown role "${String(input.role)}", expected one of ${ROLES.join(', ')}`);
  if (!(input.expiresInS > 0)) throw new TypeError('expiresInS must be a positive number of seconds');
  const iat = Math.floor(nowMs / 1000);
  const claims: TokenClaims = { sub: input.sub, role: input.role, iat, exp: iat + Math.floor(input.expiresInS) };
  const signingInput = `${HEADER_B64}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${sign(signingInput, secret).toString('base64url')}`;
}

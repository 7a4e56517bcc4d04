// JSON Web Tokens with node:crypto only: HS256 with a shared secret, and RS256 against a public
// key when one is configured (tokens minted by an identity provider). The algorithm a token may
// use follows from the key that checks it, never from the token: a header saying "none", or
// HS256 signed with the public key as a secret, is invalid before its signature is looked at.

import { createHmac, createPublicKey, createSign, createVerify, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { AuthFailureReason } from '../errors.js';

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

export class TokenError extends Error {
  readonly code: AuthFailureReason;
  readonly canRetry = false;
  constructor(code: AuthFailureReason, message: string) {
    super(message);
    this.name = 'TokenError';
    this.code = code;
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

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through: any decoding failure is the same "malformed" answer
  }
  throw new TokenError('TOKEN_INVALID', `token ${what} is not a base64url JSON object`);
}

/** What checks a token's signature: the HS256 secret, and optionally an RS256 public key. */
export interface JwtKeys {
  hs256Secret: string;
  rs256PublicKey?: KeyObject;
}

/** Parses a PEM public key (SPKI or PKCS#1); throws a TypeError naming the setting when it is not one. */
export function parsePublicKey(pem: string, settingName = 'API_JWT_PUBLIC_KEY'): KeyObject {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    return key;
  } catch {
    throw new TypeError(`${settingName} must be an RSA public key in PEM form (-----BEGIN PUBLIC KEY-----)`);
  }
}

/** RS256 signing, for tests and tools that hold the private key; the API itself never signs RS256. */
export function signTokenRs256(input: { sub: string; role: Role; expiresInS: number }, privateKeyPem: string, nowMs: number = Date.now()): string {
  const iat = Math.floor(nowMs / 1000);
  const claims: TokenClaims = { sub: input.sub, role: input.role, iat, exp: iat + Math.floor(input.expiresInS) };
  const signingInput = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKeyPem);
  return `${signingInput}.${signature.toString('base64url')}`;
}

function signatureMatches(alg: unknown, signingInput: string, signatureB64: string, keys: JwtKeys): boolean {
  const presented = Buffer.from(signatureB64, 'base64url');
  if (alg === 'HS256') {
    const expected = sign(signingInput, keys.hs256Secret);
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  }
  if (alg === 'RS256' && keys.rs256PublicKey) {
    return createVerify('RSA-SHA256').update(signingInput).verify(keys.rs256PublicKey, presented);
  }
  throw new TokenError('TOKEN_INVALID', `token algorithm must be HS256${keys.rs256PublicKey ? ' or RS256' : ''}`);
}

/** Returns the claims of a valid token, or throws a TokenError (TOKEN_MISSING/INVALID/EXPIRED). */
export function verifyToken(token: string | null | undefined, keyOrSecret: string | JwtKeys, nowMs: number = Date.now()): TokenClaims {
  const keys: JwtKeys = typeof keyOrSecret === 'string' ? { hs256Secret: keyOrSecret } : keyOrSecret;
  if (token === undefined || token === null || token.trim() === '') {
    throw new TokenError('TOKEN_MISSING', 'no token was presented');
  }
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new TokenError('TOKEN_INVALID', 'token is not a three-part JWT');
  const [headerB64, payloadB64, signatureB64] = parts as [string, string, string];

  const header = decodeJson(headerB64, 'header');
  if (!signatureMatches(header.alg, `${headerB64}.${payloadB64}`, signatureB64, keys)) {
    throw new TokenError('TOKEN_INVALID', 'token signature does not match');
  }

  const payload = decodeJson(payloadB64, 'payload');
  const { sub, role, iat, exp } = payload;
  if (typeof sub !== 'string' || sub === '') throw new TokenError('TOKEN_INVALID', 'token has no subject');
  if (!isRole(role)) throw new TokenError('TOKEN_INVALID', 'token role is not one of ' + ROLES.join(', '));
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new TokenError('TOKEN_INVALID', 'token has no expiry');
  const nowS = nowMs / 1000;
  if (exp + JWT_DEFAULTS.clockToleranceS <= nowS) throw new TokenError('TOKEN_EXPIRED', 'token has expired');
  const issuedAt = typeof iat === 'number' && Number.isFinite(iat) ? iat : exp;
  if (issuedAt - JWT_DEFAULTS.clockToleranceS > nowS) throw new TokenError('TOKEN_INVALID', 'token is issued in the future');
  return { sub, role, iat: issuedAt, exp };
}

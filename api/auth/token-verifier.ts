// Verifies bearer tokens with jose. Two kinds, told apart by the token's `alg`, each with its own
// key and rules, never one key for both (a token cannot pick its algorithm):
//   HS256  tokens this deployment mints itself (`opsconductor token`, API_JWT_SECRET): sub, role,
//          exp; on unless an identity provider is configured (API_JWT_HS256 says otherwise).
//   RS256  tokens of an identity provider: keys from its JWKS URL (fetched when a token names a
//          key id not yet seen, at most once per cooldown, so a rotation is picked up and a flood
//          of made-up key ids costs one fetch per cooldown) or from one PEM public key; `iss` and
//          `aud` must be the configured ones, `exp` and `iat` are required, `nbf` is honoured,
//          exp − iat may not exceed the maximum lifetime, and the role comes from a configurable
//          claim (a dotted path such as realm_access.roles; a list gives its highest known role).

import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ApiError } from '../errors.js';
import { OpsError } from '../../common/errors.js';
import { isRole, JWT_DEFAULTS, ROLES, TokenError, type Role, type TokenClaims } from './jwt.js';
import { higherRole } from './principal.js';

export const IDP_DEFAULTS = {
  roleClaim: 'role',
  maxLifetimeS: 86_400, // identity providers hand out tokens of minutes to hours; a day is generous
  jwksCooldownMs: 30_000, // a token with an unknown key id refetches the JWKS at most this often
  jwksTimeoutMs: 5_000, // a JWKS fetch slower than this fails the request (AUTH_UNAVAILABLE)
  jwksCacheMs: 600_000, // keys are fetched again after this even when every kid is known
} as const;

/** What the settings say (api/settings.ts); jwtConfigOf turns it into a checked JwtConfig. */
export interface JwtSettings {
  /** HS256 secret; '' or undefined: none. */
  secret?: string;
  /** auto: HS256 accepted unless an identity provider is configured. */
  hs256?: 'auto' | 'on' | 'off';
  jwksUrl?: string;
  /** PEM of one RSA public key (instead of a JWKS URL). */
  publicKeyPem?: string;
  issuer?: string;
  audience?: readonly string[];
  roleClaim?: string;
  maxLifetimeS?: number;
  jwksCooldownMs?: number;
}

export interface IdentityProvider {
  keys: { jwksUrl: URL } | { publicKey: KeyObject };
  issuer: string;
  audience: string[];
  roleClaim: string;
  maxLifetimeS: number;
  jwksCooldownMs: number;
}

export interface JwtConfig {
  /** undefined: HS256 tokens are refused. */
  hs256Secret?: string;
  idp?: IdentityProvider;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function invalid(setting: string, problem: string): ApiError {
  return new ApiError('CONFIG_INVALID', `${setting} ${problem}`);
}

/** Checks the settings against each other; CONFIG_INVALID naming the setting otherwise. */
export function jwtConfigOf(s: JwtSettings): JwtConfig {
  const jwks = s.jwksUrl && s.jwksUrl !== 'none' ? s.jwksUrl : undefined;
  const pem = s.publicKeyPem || undefined;
  if (jwks && pem) throw invalid('API_JWT_JWKS_URL', 'and API_JWT_PUBLIC_KEY_FILE are both set: the identity provider\'s keys come from one of them');
  let idp: IdentityProvider | undefined;
  if (jwks || pem) {
    if (!s.issuer) throw invalid('API_JWT_ISSUER', 'is required with an identity provider (API_JWT_JWKS_URL or API_JWT_PUBLIC_KEY_FILE): the "iss" its tokens carry');
    if (!s.audience?.length) throw invalid('API_JWT_AUDIENCE', 'is required with an identity provider: the "aud" its tokens for this API carry');
    let keys: IdentityProvider['keys'];
    if (jwks) {
      let url: URL;
      try {
        url = new URL(jwks);
      } catch {
        throw invalid('API_JWT_JWKS_URL', `must be a URL, got ${JSON.stringify(jwks)}`);
      }
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
        throw invalid('API_JWT_JWKS_URL', 'must be https (plain http only to a loopback address): keys fetched in clear could be swapped');
      }
      keys = { jwksUrl: url };
    } else {
      keys = { publicKey: parseRsaPublicKey(pem!) };
    }
    idp = {
      keys,
      issuer: s.issuer,
      audience: [...s.audience],
      roleClaim: s.roleClaim || IDP_DEFAULTS.roleClaim,
      maxLifetimeS: s.maxLifetimeS ?? IDP_DEFAULTS.maxLifetimeS,
      jwksCooldownMs: s.jwksCooldownMs ?? IDP_DEFAULTS.jwksCooldownMs,
    };
  }
  const mode = s.hs256 ?? 'auto';
  const hs256 = mode === 'on' || (mode === 'auto' && !idp);
  if (hs256 && !(s.secret && s.secret.length >= JWT_DEFAULTS.minSecretLength)) {
    throw invalid('API_JWT_SECRET', `must be set, at least ${JWT_DEFAULTS.minSecretLength} characters long: HS256 tokens are accepted${mode === 'on' ? ' (API_JWT_HS256=on)' : ' (no identity provider is configured)'}`);
  }
  return { ...(hs256 ? { hs256Secret: s.secret } : {}), ...(idp ? { idp } : {}) };
}

/** Parses a PEM RSA public key (SPKI or PKCS#1); CONFIG_INVALID naming the setting otherwise. */
export function parseRsaPublicKey(pem: string, settingName = 'API_JWT_PUBLIC_KEY_FILE'): KeyObject {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType === 'rsa') return key;
  } catch {
    // the same answer below
  }
  throw invalid(settingName, 'must hold an RSA public key in PEM form (-----BEGIN PUBLIC KEY-----)');
}

/** The role in `claim` (a top-level name, else a dotted path); a list gives its highest known role. */
export function roleFromClaim(payload: JWTPayload, claim: string): Role | undefined {
  let value: unknown = payload[claim];
  if (value === undefined && claim.includes('.')) {
    value = payload;
    for (const part of claim.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (isRole(value)) return value;
  if (Array.isArray(value)) return value.filter(isRole).reduce<Role | undefined>((best, r) => higherRole(best, r), undefined);
  return undefined;
}

// A failure of the JWKS fetch itself (the identity provider down or slow): not the token's fault.
class KeysUnavailable extends OpsError {
  constructor(cause: unknown) {
    super('AUTH_UNAVAILABLE', 'JWKS fetch failed', { cause });
    this.name = 'KeysUnavailable';
  }
}

function tokenErrorOf(err: unknown): Error {
  if (err instanceof TokenError || err instanceof ApiError) return err;
  if (err instanceof KeysUnavailable) {
    return new ApiError('AUTH_UNAVAILABLE', 'the identity provider\'s keys could not be fetched; retry later', { canRetry: true, cause: err.cause });
  }
  if (err instanceof errors.JWTExpired) return new TokenError('TOKEN_EXPIRED', 'token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) return new TokenError('TOKEN_INVALID', `token claim ${err.claim}: ${err.reason === 'check_failed' ? 'not the expected value' : err.reason}`);
  if (err instanceof errors.JWSSignatureVerificationFailed) return new TokenError('TOKEN_INVALID', 'token signature does not match');
  if (err instanceof errors.JWKSNoMatchingKey) return new TokenError('TOKEN_INVALID', 'no key of the identity provider matches the token');
  if (err instanceof errors.JOSEError) return new TokenError('TOKEN_INVALID', `token is not valid (${err.code})`);
  return err as Error;
}

export class TokenVerifier {
  private readonly hs256Key: Uint8Array | undefined;
  private readonly idpKeys: JWTVerifyGetKey | KeyObject | undefined;

  constructor(private readonly config: JwtConfig) {
    this.hs256Key = config.hs256Secret === undefined ? undefined : new TextEncoder().encode(config.hs256Secret);
    const idp = config.idp;
    if (idp && 'jwksUrl' in idp.keys) {
      const remote = createRemoteJWKSet(idp.keys.jwksUrl, { cooldownDuration: idp.jwksCooldownMs, timeoutDuration: IDP_DEFAULTS.jwksTimeoutMs, cacheMaxAge: IDP_DEFAULTS.jwksCacheMs });
      this.idpKeys = async (header, token) => {
        try {
          return await remote(header, token);
        } catch (err) {
          if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys || err instanceof errors.JOSENotSupported) throw err;
          throw new KeysUnavailable(err);
        }
      };
    } else if (idp) {
      this.idpKeys = (idp.keys as { publicKey: KeyObject }).publicKey;
    }
  }

  /** Which algorithms are accepted, for messages. */
  algorithms(): string[] {
    return [...(this.hs256Key ? ['HS256'] : []), ...(this.idpKeys ? ['RS256'] : [])];
  }

  /** The claims of a valid token; TokenError (TOKEN_MISSING/INVALID/EXPIRED) or AUTH_UNAVAILABLE otherwise. */
  async verify(token: string | null | undefined, nowMs: number = Date.now()): Promise<TokenClaims> {
    if (token === undefined || token === null || token.trim() === '') throw new TokenError('TOKEN_MISSING', 'no token was presented');
    const jwt = token.trim();
    try {
      let alg: unknown;
      try {
        alg = decodeProtectedHeader(jwt).alg;
      } catch {
        throw new TokenError('TOKEN_INVALID', 'token is not a three-part JWT with a JSON header');
      }
      const currentDate = new Date(nowMs);
      if (alg === 'HS256' && this.hs256Key) {
        const { payload } = await jwtVerify(jwt, this.hs256Key, { algorithms: ['HS256'], clockTolerance: JWT_DEFAULTS.clockToleranceS, requiredClaims: ['exp', 'sub'], currentDate });
        const role = payload.role;
        if (!isRole(role)) throw new TokenError('TOKEN_INVALID', 'token role is not one of ' + ROLES.join(', '));
        return this.claims(payload, role, nowMs);
      }
      if (alg === 'RS256' && this.idpKeys && this.config.idp) {
        const idp = this.config.idp;
        const { payload } = await jwtVerify(jwt, this.idpKeys as JWTVerifyGetKey, {
          algorithms: ['RS256'],
          issuer: idp.issuer,
          audience: idp.audience,
          clockTolerance: JWT_DEFAULTS.clockToleranceS,
          requiredClaims: ['exp', 'iat', 'sub', 'iss', 'aud'],
          currentDate,
        });
        const lifetimeS = payload.exp! - payload.iat!;
        if (lifetimeS > idp.maxLifetimeS) throw new TokenError('TOKEN_INVALID', `token lifetime (${lifetimeS} s) is above the ${idp.maxLifetimeS} s allowed`);
        const role = roleFromClaim(payload, idp.roleClaim);
        if (!role) throw new TokenError('TOKEN_INVALID', `token claim ${idp.roleClaim} holds none of the roles ${ROLES.join(', ')}`);
        return this.claims(payload, role, nowMs);
      }
      const accepted = this.algorithms();
      throw new TokenError('TOKEN_INVALID', `token algorithm must be ${accepted.length > 0 ? accepted.join(' or ') : '(none: only API keys are accepted)'}`);
    } catch (err) {
      throw tokenErrorOf(err);
    }
  }

  private claims(payload: JWTPayload, role: Role, nowMs: number): TokenClaims {
    const { sub, exp } = payload;
    if (typeof sub !== 'string' || sub === '') throw new TokenError('TOKEN_INVALID', 'token has no subject');
    const iat = typeof payload.iat === 'number' ? payload.iat : exp!;
    if (iat - JWT_DEFAULTS.clockToleranceS > nowMs / 1000) throw new TokenError('TOKEN_INVALID', 'token is issued in the future');
    return { sub, role, iat, exp: exp! };
  }
}

// One place that turns what a client presented into a Principal or an UNAUTHENTICATED ApiError
// whose `reason` says why, for both transports:
//   HTTP:        Authorization: Bearer <jwt> | Authorization: ApiKey <key> | x-api-key: <key>
//   graphql-ws:  connection_init payload { token } | { apiKey }
// so both refuse with the same codes.

import { ApiError } from '../errors.js';
import { authFailures } from '../metrics.js';
import type { ApiKeyStore } from './api-keys.js';
import { TokenError } from './jwt.js';
import type { TokenVerifier } from './token-verifier.js';
import type { Principal } from './principal.js';

export type Credentials = { kind: 'jwt'; token: string | undefined } | { kind: 'apiKey'; key: string };

export function bearerTokenFrom(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  // A header that is present but not "Bearer <token>" is handed on as it is: it then fails as an
  // invalid token rather than passing for a missing one.
  return match ? match[1] : authorization;
}

export function credentialsFromHeaders(headers: Record<string, string | string[] | undefined>): Credentials {
  const apiKeyHeader = headers['x-api-key'];
  if (typeof apiKeyHeader === 'string' && apiKeyHeader !== '') return { kind: 'apiKey', key: apiKeyHeader };
  const authorization = typeof headers.authorization === 'string' ? headers.authorization : undefined;
  const apiKey = authorization === undefined ? null : /^ApiKey\s+(\S+)\s*$/i.exec(authorization);
  if (apiKey) return { kind: 'apiKey', key: apiKey[1] };
  return { kind: 'jwt', token: bearerTokenFrom(authorization) };
}

export function credentialsFromConnectionInit(payload: unknown): Credentials {
  const p = payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
  if (typeof p.apiKey === 'string' && p.apiKey !== '') return { kind: 'apiKey', key: p.apiKey };
  return { kind: 'jwt', token: typeof p.token === 'string' ? p.token : undefined };
}

export class Authenticator {
  constructor(
    private readonly tokens: TokenVerifier,
    private readonly apiKeys: ApiKeyStore,
  ) {}

  async authenticate(credentials: Credentials, transport: 'http' | 'ws'): Promise<Principal> {
    if (credentials.kind === 'apiKey') return this.apiKeys.verify(credentials.key);
    try {
      const claims = await this.tokens.verify(credentials.token);
      return { sub: claims.sub, role: claims.role, via: 'JWT', expiresAtMs: claims.exp * 1000 };
    } catch (err) {
      if (err instanceof TokenError) {
        authFailures.inc({ transport, reason: err.code });
        throw new ApiError('UNAUTHENTICATED', `authentication failed: ${err.message}`, { reason: err.code });
      }
      throw err;
    }
  }
}

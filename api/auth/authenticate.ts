// One place that turns what a client presented (an Authorization header over HTTP, the
// connection_init payload over graphql-ws) into claims or an UNAUTHENTICATED ApiError whose
// `reason` says why, so both transports refuse with the same codes.

import { ApiError } from '../errors.js';
import { authFailures } from '../metrics.js';
import { TokenError, verifyToken, type TokenClaims } from './jwt.js';

export function bearerTokenFrom(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  // A header that is present but not "Bearer <token>" is handed on as it is: it then fails as an
  // invalid token rather than passing for a missing one.
  return match ? match[1] : authorization;
}

export function tokenFromConnectionInit(payload: unknown): string | undefined {
  if (payload === null || typeof payload !== 'object') return undefined;
  const token = (payload as Record<string, unknown>).token;
  return typeof token === 'string' ? token : undefined;
}

export function authenticate(token: string | undefined, secret: string, transport: 'http' | 'ws'): TokenClaims {
  try {
    return verifyToken(token, secret);
  } catch (err) {
    if (err instanceof TokenError) {
      authFailures.inc({ transport, reason: err.code });
      throw new ApiError('UNAUTHENTICATED', `authentication failed: ${err.message}`, { reason: err.code });
    }
    throw err;
  }
}

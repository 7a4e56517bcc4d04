// GraphQL over HTTP and graphql-ws on one path. HTTP requests must carry
// `Authorization: Bearer <jwt>` (refused here with 401 before any parsing); websocket clients send
// `{ token }` in connection_init, checked in onConnect.

import mercurius from 'mercurius';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { Logger } from '../../common/log.js';
import { authenticate, bearerTokenFrom, tokenFromConnectionInit } from '../auth/authenticate.js';
import type { TokenClaims } from '../auth/jwt.js';
import { ApiError, graphqlErrorBody } from '../errors.js';
import { API_DEFAULTS } from '../defaults.js';
import type { LiveHub } from '../live/live-hub.js';
import { closeUnauthenticatedSocket, freshPointsBudget, type ClosableSocket } from './context.js';
import { createErrorFormatter } from './error-formatter.js';
import { resolvers } from './resolvers.js';
import { typeDefs } from './schema.js';

export interface GraphqlPluginOptions {
  db: Pick<pg.Pool, 'query'>;
  jwtSecret: string;
  hub: LiveHub;
  logger: Logger;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: TokenClaims | null;
  }
}

// Node sets `upgrade` only on requests it dispatched as a protocol upgrade; a GET that merely
// carries an Upgrade header is an ordinary request and must not skip authentication.
function isWebSocketUpgrade(request: FastifyRequest): boolean {
  return (request.raw as { upgrade?: boolean }).upgrade === true;
}

export async function graphqlPlugin(app: FastifyInstance, opts: GraphqlPluginOptions): Promise<void> {
  const { db, jwtSecret, hub } = opts;
  const logger = opts.logger.child({ component: 'graphql' });

  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request, reply) => {
    if (isWebSocketUpgrade(request) || request.method === 'OPTIONS') return;
    try {
      request.auth = authenticate(bearerTokenFrom(request.headers.authorization), jwtSecret, 'http');
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return reply.code(err.statusCode).header('www-authenticate', 'Bearer').send(graphqlErrorBody(err));
    }
  });

  await app.register(mercurius, {
    schema: typeDefs,
    resolvers: resolvers as never,
    path: API_DEFAULTS.graphqlPath,
    graphiql: false,
    queryDepth: API_DEFAULTS.queryDepthLimit,
    errorFormatter: createErrorFormatter(logger) as never,
    context: (request: FastifyRequest) => ({ db, logger, auth: request.auth, pointsBudget: freshPointsBudget() }),
    subscription: {
      keepAlive: API_DEFAULTS.ws.keepAliveMs,
      context: (socket: ClosableSocket) => ({ db, logger, auth: null, wsSocket: socket, pointsBudget: freshPointsBudget() }),
      // Returning an object accepts the connection and merges it into the context. A bad token
      // is accepted too, as `authFailure`: mercurius would otherwise answer with a
      // `connection_error` frame that graphql-ws clients cannot parse, losing the reason. A
      // subscription then gets a coded UNAUTHENTICATED error, and the socket is closed (4401)
      // shortly after, subscribed or not. mercurius calls onConnect as a method of the
      // connection, whose `socket` is the only handle on the socket at this point.
      onConnect: function (this: { socket?: ClosableSocket } | undefined, { payload }: { payload: unknown }) {
        try {
          return { auth: authenticate(tokenFromConnectionInit(payload), jwtSecret, 'ws') };
        } catch (err) {
          if (err instanceof ApiError) {
            if (this?.socket) closeUnauthenticatedSocket(this.socket, err, API_DEFAULTS.ws.unauthenticatedGraceMs);
            return { auth: null, authFailure: err };
          }
          logger.error('websocket authentication failed unexpectedly', { err });
          return false;
        }
      },
    },
  });

  hub.attach(app.graphql.pubsub);
}

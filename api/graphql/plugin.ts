// GraphQL over HTTP and graphql-ws on one path. HTTP requests are rate-limited by client address,
// then authenticated (JWT or API key) and rate-limited by token or key in an onRequest hook,
// refused with 429/401/429 before any parsing. A websocket upgrade is refused (HTTP 429) past the
// sockets or the rate of its address; its client authenticates in connection_init (onConnect),
// which must come in time and once (live/socket-limits.ts), and each subscribe counts against
// the token's rate. Before execution, one check per document enforces roles, depth and cost
// (auth/document-check.ts).

import mercurius from 'mercurius';
import { Kind, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { addressKey } from '../auth/address.js';
import { credentialsFromConnectionInit, credentialsFromHeaders, type Authenticator } from '../auth/authenticate.js';
import { assertListsBounded, checkDocument, fieldRolesOf } from '../auth/document-check.js';
import type { Principal } from '../auth/principal.js';
import type { RateLimiter } from '../auth/rate-limit.js';
import { ApiError, graphqlErrorBody } from '../errors.js';
import { API_DEFAULTS } from '../defaults.js';
import type { ConnectionWatch, WatchedSocket } from '../live/connection-watch.js';
import type { StateFanout } from '../live/fanout.js';
import type { LiveHub } from '../live/live-hub.js';
import type { LimitedSocket, SocketLimits } from '../live/socket-limits.js';
import { errorsByCode, requestDuration, wsRefused } from '../metrics.js';
import { closeUnauthenticatedSocket, freshPointsBudget, requireAuth, type ApiContext, type ApiServices, type ClosableSocket } from './context.js';
import { createErrorFormatter } from './error-formatter.js';
import { loaders, resolvers } from './resolvers.js';
import { typeDefs } from './schema.js';

export interface GraphqlPluginOptions {
  svc: ApiServices;
  authenticator: Authenticator;
  rateLimiter: RateLimiter | null;
  hub: LiveHub;
  fanout: StateFanout;
  connections: ConnectionWatch;
  socketLimits: SocketLimits;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: Principal | null;
    operation: { name: string; type: string } | null;
  }
}

// Node sets `upgrade` only on requests it dispatched as a protocol upgrade; a GET that merely
// carries an Upgrade header is an ordinary request and must not skip authentication.
function isWebSocketUpgrade(request: FastifyRequest): boolean {
  return (request.raw as { upgrade?: boolean }).upgrade === true;
}

function operationOf(document: DocumentNode): { name: string; type: string } {
  const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!op || op.kind !== Kind.OPERATION_DEFINITION) return { name: 'anonymous', type: 'unknown' };
  // Operation names are the client's: keep the label set small and safe.
  const name = op.name?.value.replace(/[^A-Za-z0-9_]/g, '').slice(0, 64) || 'anonymous';
  return { name, type: op.operation };
}

export async function graphqlPlugin(app: FastifyInstance, opts: GraphqlPluginOptions): Promise<void> {
  const { svc, authenticator, rateLimiter, hub, fanout, connections, socketLimits } = opts;
  const logger = svc.logger.child({ component: 'graphql' });

  app.decorateRequest('auth', null);
  app.decorateRequest('operation', null);
  app.addHook('onRequest', async (request, reply) => {
    if (isWebSocketUpgrade(request) || request.method === 'OPTIONS') return;
    try {
      // Before the credential is looked at: forged tokens and keys cost a lookup each.
      if (rateLimiter) await rateLimiter.checkAddress(addressKey(request.ip));
      request.auth = await authenticator.authenticate(credentialsFromHeaders(request.headers), 'http');
      if (rateLimiter) await rateLimiter.check(request.auth);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      errorsByCode.inc({ code: err.code });
      if (err.code === 'LIMIT_RATE') reply.header('retry-after', String(Math.ceil(Number(err.detail?.retryAfterMs ?? 1000) / 1000)));
      if (err.code === 'UNAUTHENTICATED') reply.header('www-authenticate', 'Bearer');
      return reply.code(err.statusCode).send(graphqlErrorBody(err));
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    if (isWebSocketUpgrade(request) || request.method === 'OPTIONS' || reply.statusCode === 401 || reply.statusCode === 429) return;
    const op = request.operation ?? { name: 'unparsed', type: 'unknown' };
    requestDuration.observe({ operation: op.name, type: op.type }, reply.elapsedTime / 1000);
  });

  // Every socket is counted by its address and must send connection_init in time: the websocket
  // handler mercurius declares for its route is wrapped as the route is added.
  app.addHook('onRoute', (route) => {
    const wsHandler = (route as { wsHandler?: (socket: LimitedSocket, request: FastifyRequest) => unknown }).wsHandler;
    if (!wsHandler) return;
    (route as { wsHandler?: unknown }).wsHandler = function (this: unknown, socket: LimitedSocket, request: FastifyRequest) {
      socketLimits.opened(socket, addressKey(request.raw.socket.remoteAddress));
      return wsHandler.call(this, socket, request);
    };
  });

  await app.register(mercurius, {
    schema: typeDefs,
    resolvers: resolvers as never,
    loaders: loaders as never,
    path: API_DEFAULTS.graphqlPath,
    graphiql: false,
    // graphql-jit compiles a document after its second run: columns of thousands of floats are
    // serialised without graphql-js' per-value completion.
    jit: 1,
    errorFormatter: createErrorFormatter(logger),
    context: (request: FastifyRequest): Omit<ApiContext, 'pubsub'> => ({ db: svc.db, logger, svc, auth: request.auth, pointsBudget: freshPointsBudget(svc.limits) }),
    subscription: {
      keepAlive: API_DEFAULTS.ws.keepAliveMs,
      // Before the upgrade: the address's sockets, then its rate (HTTP 429 either way).
      verifyClient: (info: { req: IncomingMessage }, next: (ok: boolean, code?: number, message?: string, headers?: Record<string, string>) => void) => {
        const address = addressKey(info.req.socket.remoteAddress);
        if (!socketLimits.admit(address)) return next(false, 429, 'Too Many Requests');
        if (!rateLimiter) return next(true);
        rateLimiter.checkAddress(address).then(
          () => next(true),
          (err: unknown) => {
            if (!(err instanceof ApiError && err.code === 'LIMIT_RATE')) return next(true);
            socketLimits.release(address);
            wsRefused.inc({ reason: 'address_rate' });
            next(false, 429, 'Too Many Requests', { 'retry-after': String(Math.ceil(Number(err.detail?.retryAfterMs ?? 1000) / 1000)) });
          },
        );
      },
      context: (socket: ClosableSocket) => ({ db: svc.db, logger, svc, auth: null, wsSocket: socket, pointsBudget: freshPointsBudget(svc.limits) }),
      // Returning an object accepts the connection and merges it into the context. A bad token
      // is accepted too, as `authFailure`: mercurius would otherwise answer with a
      // `connection_error` frame that graphql-ws clients cannot parse, losing the reason. A
      // subscription then gets a coded UNAUTHENTICATED error, and the socket is closed (4401)
      // shortly after, subscribed or not. mercurius calls onConnect as a method of the
      // connection, whose `socket` is the only handle on the socket at this point.
      onConnect: async function (this: { socket?: WatchedSocket & LimitedSocket } | undefined, { payload }: { payload: unknown }) {
        // A second connection_init would authenticate again: closed (4429) instead.
        if (this?.socket && !socketLimits.initReceived(this.socket)) return false;
        try {
          const auth = await authenticator.authenticate(credentialsFromConnectionInit(payload), 'ws');
          if (this?.socket && !socketLimits.authenticated(this.socket, auth)) return false;
          if (this?.socket) connections.watch(this.socket, auth);
          return { auth, subscriptions: { open: 0 } };
        } catch (err) {
          if (err instanceof ApiError) {
            errorsByCode.inc({ code: err.code });
            if (this?.socket) closeUnauthenticatedSocket(this.socket, err, API_DEFAULTS.ws.unauthenticatedGraceMs);
            return { auth: null, authFailure: err, subscriptions: { open: 0 } };
          }
          logger.error('websocket authentication failed unexpectedly', { err });
          return false;
        }
      },
    },
  });

  assertListsBounded(app.graphql.schema);
  const roles = fieldRolesOf(app.graphql.schema);
  const limits = svc.limits;
  app.graphql.addHook('preExecution', async (schema: GraphQLSchema, document: DocumentNode, context: unknown, variables?: Record<string, unknown>) => {
    const ctx = context as ApiContext & { reply?: { request: FastifyRequest } };
    if (ctx.reply?.request) ctx.reply.request.operation = operationOf(document);
    const principal = requireAuth(ctx); // queries over a websocket come here without the HTTP hook
    checkDocument({ schema, document, variables: variables ?? {}, principal, limits, roles });
  });
  app.graphql.addHook('preSubscriptionExecution', async (schema: GraphQLSchema, document: DocumentNode, context: unknown) => {
    const ctx = context as ApiContext;
    // Every subscribe counts against the token's rate, like an HTTP request; a socket that keeps
    // flooding is closed. Unauthenticated callers are refused by the subscribe resolver (coded
    // error, then 4401).
    if (rateLimiter && ctx.auth) {
      try {
        await rateLimiter.check(ctx.auth);
      } catch (err) {
        if (err instanceof ApiError) errorsByCode.inc({ code: err.code });
        if (ctx.wsSocket) socketLimits.rateRefused(ctx.wsSocket as LimitedSocket);
        throw err;
      }
    }
    checkDocument({ schema, document, variables: undefined, principal: ctx.auth, limits, roles });
  });

  hub.attach(app.graphql.pubsub);
  fanout.attach(app.graphql.pubsub);
  svc.topology.attach(app.graphql.pubsub);
}

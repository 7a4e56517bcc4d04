// The two links to the API: urql over HTTP (Bearer token) for queries, and a graphql-ws socket
// (token in connection_init) for subscriptions, plugged into urql through subscriptionExchange.
// The socket reconnects forever with capped, jittered backoff; a ping that gets no pong within
// a few seconds closes it, so a half-dead connection (sleep, NAT timeout) is noticed and redone.

import { Client, fetchExchange, subscriptionExchange, type CombinedError } from 'urql';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { ConnectionStatus } from './connection-status.js';

export const LINK_DEFAULTS = {
  graphqlPath: '/graphql',
  keepAliveMs: 10_000, // client pings this often
  pongTimeoutMs: 5_000, // ...and gives up on the socket if no pong comes back in time
  retryBaseMs: 500,
  retryMaxMs: 15_000,
} as const;

const WS_CLOSE_PONG_TIMEOUT = 4408; // graphql-ws retries this code

export interface ApiClients {
  urql: Client;
  ws: WsClient;
  status: ConnectionStatus;
  dispose(): void;
}

export function wsUrlFor(location: Location, path: string): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}

/** The refusal reason when an urql error is an authentication failure (TOKEN_EXPIRED...). */
export function authFailureOf(error: CombinedError | undefined): string | null {
  if (!error) return null;
  for (const e of error.graphQLErrors) {
    if (e.extensions?.code === 'UNAUTHENTICATED') return String(e.extensions.reason ?? 'UNAUTHENTICATED');
  }
  return null;
}

export function createApiClients(token: string): ApiClients {
  const status = new ConnectionStatus();
  let activeSocket: WebSocket | null = null;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;

  const ws = createWsClient({
    url: wsUrlFor(window.location, LINK_DEFAULTS.graphqlPath),
    connectionParams: () => ({ token }),
    lazy: false,
    keepAlive: LINK_DEFAULTS.keepAliveMs,
    retryAttempts: Infinity,
    shouldRetry: () => true, // graphql-ws still stops on fatal codes such as 4401 (bad token)
    retryWait: async (retries) => {
      const backoff = Math.min(LINK_DEFAULTS.retryMaxMs, LINK_DEFAULTS.retryBaseMs * 2 ** retries);
      await new Promise((resolve) => setTimeout(resolve, backoff * (0.5 + Math.random() / 2)));
    },
    onNonLazyError: () => {
      // A fatal close; the reason was already reported through `closed`.
    },
    on: {
      connected: (socket) => {
        activeSocket = socket as WebSocket;
        status.connected();
      },
      closed: (event) => {
        activeSocket = null;
        clearTimeout(pongTimer);
        const { code, reason } = event as CloseEvent;
        if (code === 4401) status.unauthorized(reason.replace(/^UNAUTHENTICATED:\s*/, '') || 'UNAUTHENTICATED');
        else status.disconnected(`socket closed (${code})`);
      },
      ping: (received) => {
        if (received) return;
        pongTimer = setTimeout(() => {
          if (activeSocket?.readyState === WebSocket.OPEN) activeSocket.close(WS_CLOSE_PONG_TIMEOUT, 'pong timeout');
        }, LINK_DEFAULTS.pongTimeoutMs);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
    },
  });

  const urql = new Client({
    url: LINK_DEFAULTS.graphqlPath,
    requestPolicy: 'network-only', // chart data is never served from a document cache
    preferGetMethod: false,
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });

  return {
    urql,
    ws,
    status,
    dispose: () => {
      clearTimeout(pongTimer);
      void ws.dispose();
    },
  };
}

// A NOC screen as the end-to-end tests see it: a graphql-ws client on the api role's /graphql with a
// viewer's token, subscribed to `anomalies`, noting when each update arrives, so a test can measure
// from what a device did (a trap sent) to what an operator is shown.
import type { TestContext } from 'node:test';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { signToken } from '../api/auth/jwt.js';

export interface ArrivedAnomaly {
  /** Date.now() when the subscription message arrived */
  at: number;
  kind: string;
  anomaly: { id: string; state: string; deviceId: string; detector: string; labels: Record<string, string>; reason: string };
}

const QUERY = 'subscription A($filter: AnomalySubscriptionFilter) { anomalies(filter: $filter) { kind anomaly { id state deviceId detector labels reason } } }';

/** Resolves once the socket is connected (a lazy client connects on the subscribe); the lists fill while the test runs. */
export async function subscribeAnomalies(t: TestContext, apiUrl: string, jwtSecret: string, filter: Record<string, unknown> = {}): Promise<{ arrived: ArrivedAnomaly[]; errors: unknown[] }> {
  const token = signToken({ sub: 'anomaly-subscriber', role: 'viewer', expiresInS: 3600 }, jwtSecret);
  const arrived: ArrivedAnomaly[] = [];
  const errors: unknown[] = [];
  let connected!: () => void;
  const up = new Promise<void>((resolve) => (connected = resolve));
  const client = createClient({ url: `${apiUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { token }, retryAttempts: 0, on: { connected: () => connected() } });
  t.after(() => client.dispose());
  client.subscribe<{ anomalies: Omit<ArrivedAnomaly, 'at'> }>(
    { query: QUERY, variables: { filter } },
    {
      next: (msg) => {
        if (msg.data?.anomalies) arrived.push({ at: Date.now(), ...msg.data.anomalies });
        if (msg.errors) errors.push(msg.errors);
      },
      error: (e) => errors.push(e),
      complete: () => undefined,
    },
  );
  await up;
  return { arrived, errors };
}

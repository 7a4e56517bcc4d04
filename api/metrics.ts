// Prometheus metrics of the API role (default registry; the role runner serves /metrics).

import { Counter, Gauge, Histogram } from 'prom-client';

export const authFailures = new Counter({
  name: 'oc_api_auth_failures_total',
  help: 'Requests and websocket connections refused for want of a valid token or key',
  labelNames: ['transport', 'reason'] as const,
});

export const requestDuration = new Histogram({
  name: 'oc_api_request_duration_seconds',
  help: 'GraphQL requests over HTTP, from arrival to response, by operation name ("anonymous" without one)',
  labelNames: ['operation', 'type'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export const errorsByCode = new Counter({
  name: 'oc_api_errors_total',
  help: 'Errors returned to clients, by code',
  labelNames: ['code'] as const,
});

export const subscriptionsOpen = new Gauge({
  name: 'oc_api_subscriptions_open',
  help: 'Subscriptions currently open on this replica',
  labelNames: ['field'] as const,
});

export const eventsFannedOut = new Counter({
  name: 'oc_api_events_fanned_out_total',
  help: 'Events handed to this replica\'s subscription pubsub, by kind',
  labelNames: ['kind'] as const, // live | anomaly | health | ack
});

export const rateLimitChecks = new Counter({
  name: 'oc_api_rate_limit_checks_total',
  help: 'Request rate checks, by result',
  labelNames: ['result'] as const, // ok | limited | redis_failed
});

export const readingsPoints = new Counter({
  name: 'oc_api_readings_points_total',
  help: 'Points returned by readings, by tier',
  labelNames: ['tier'] as const,
});

export const livePointsPublished = new Counter({
  name: 'oc_api_live_points_published_total',
  help: 'Live points handed to the subscription pubsub',
});

export const livePointsDropped = new Counter({
  name: 'oc_api_live_points_dropped_total',
  help: 'Live points not published',
  labelNames: ['reason'] as const, // unknown_series | lookup_failed | non_finite
});

export const liveSubscriptionsStarted = new Counter({
  name: 'oc_api_live_subscriptions_started_total',
  help: 'live subscriptions accepted',
});

export const internalErrors = new Counter({
  name: 'oc_api_internal_errors_total',
  help: 'Errors reported to clients as INTERNAL (details in the log)',
});

export const wsRefused = new Counter({
  name: 'oc_api_ws_refused_total',
  help: 'Websockets refused or closed by a limit, by reason',
  labelNames: ['reason'] as const, // per_address | per_token | init_timeout | repeated_init | rate | address_rate
});

export const apiKeyLookups = new Counter({
  name: 'oc_api_key_lookups_total',
  help: 'API keys presented, by where the answer came from',
  labelNames: ['source'] as const, // cache | negative_cache | database | malformed
});

export const busMessagesRefused = new Counter({
  name: 'oc_api_bus_messages_refused_total',
  help: 'Messages on the Redis event channel refused as malformed (not delivered)',
});

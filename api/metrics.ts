// Prometheus metrics of the API role (default registry; the role runner serves /metrics).

import { Counter } from 'prom-client';

export const authFailures = new Counter({
  name: 'oc_api_auth_failures_total',
  help: 'Requests and websocket connections refused for want of a valid token',
  labelNames: ['transport', 'reason'] as const,
});

export const readingsPoints = new Counter({
  name: 'oc_api_readings_points_total',
  help: 'Points returned by the readings query, after downsampling',
  labelNames: ['mode'] as const, // raw | downsampled
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

// Limits and timings of the API in one place, units in the names or comments. The limits are
// defaults of settings (api/settings.ts): a deployment changes them through the environment.

export interface ApiLimits {
  queryDepth: number; // levels of selection sets
  queryCost: number; // estimated fields resolved (api/auth/document-check.ts)
  maxPointsPerSeries: number; // readings(maxPoints) cap
  maxSeriesPerField: number; // ids in one readings/baselines/healthHistory field
  pointsPerRequest: number; // seriesIds × maxPoints summed over every field of a request
  requestsPerWindow: number; // per token subject or API key, across replicas (Redis)
  addressRequestsPerWindow: number; // per client address before authentication (HTTP requests and websocket upgrades)
  rateWindowMs: number;
  subscriptionsPerConnection: number;
  wsInitTimeoutMs: number; // a websocket without connection_init by then is closed (4408)
  wsPerAddress: number; // open websockets per client address on one replica
  wsPerToken: number; // open websockets per token subject or API key on one replica
  bodyBytes: number;
  // Longest from..to each tier may serve, days (api/readings/tiers.ts): what a query makes
  // PostgreSQL read is range × density, and only the range is the client's to choose.
  rangeRawDays: number;
  range5mDays: number; // also healthHistory (health_scores: at most a score a minute per device)
  range1hDays: number;
  range1dDays: number;
}

export const DEFAULT_LIMITS: ApiLimits = {
  queryDepth: 10,
  queryCost: 20_000,
  maxPointsPerSeries: 10_000, // a chart is never wider than this in pixels
  maxSeriesPerField: 100,
  pointsPerRequest: 500_000,
  requestsPerWindow: 600,
  addressRequestsPerWindow: 3_000, // five tokens' worth: a NOC's screens and people behind one address
  rateWindowMs: 60_000,
  subscriptionsPerConnection: 50,
  wsInitTimeoutMs: 5_000, // graphql-ws clients send connection_init as soon as the socket opens
  wsPerAddress: 100,
  wsPerToken: 100, // wall screens often share one viewer token

  bodyBytes: 1_048_576, // GraphQL documents are small
  rangeRawDays: 7, // 120,960 points a series at one every 5 s; longer ranges move to 5m by themselves
  range5mDays: 92, // 26,496 rows a series: a quarter, past the explorer's longest preset (90 d)
  range1hDays: 732, // two years
  range1dDays: 3_660, // ten years
};

export const API_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  graphqlPath: '/graphql',
  uiDir: 'ui/dist', // relative to the working directory
  readings: {
    defaultMaxPoints: 1_000,
  },
  series: {
    defaultLimit: 50,
    maxLimit: 1_000,
    // topSeries: a wall's worth, ranked over the last minutes
    top: { defaultLimit: 24, maxLimit: 200, maxTerms: 8, defaultWindowMinutes: 15, maxWindowMinutes: 24 * 60 },
  },
  paging: {
    defaultFirst: 50,
    maxFirst: 500,
  },
  // Nested lists: the SDL's default limit and @list(max) (interpolated into api/graphql/sdl), and
  // what the resolvers return at most, so the cost estimate (auth/document-check.ts) is the truth.
  // The defaults keep the dashboard's device page (every list at its default) at ~14,500 of the
  // 20,000 cost a document may have.
  lists: {
    deviceInterfaces: { default: 50, max: 500 },
    interfaceSeries: { default: 40, max: 200 }, // ~30 series per optical interface (lanes × rx/tx, counters, state)
    deviceSeries: { default: 100, max: 1_000 },
    deviceOpenAnomalies: { default: 50, max: 500 },
    deviceLastValues: { default: 200, max: 2_000 },
    annotations: { default: 50, max: 500 },
    healthComponents: { max: 20 }, // the processor scores a handful
    apiKeys: { default: 100, max: 1_000 },
    credentials: { max: 1_000 },
    // A link costs ~12 (its fields): 1,500 keeps a page under the document cost limit.
    topologyLinks: { default: 1_000, max: 1_500 },
    alarmOperations: { default: 100, max: 500 }, // silences / maintenance windows, newest first
    rules: { max: 1_000 }, // anomaly rules of files: tens in practice; a rule costs ~20 (its fields)
  },
  live: {
    maxSeriesPerSubscription: 500,
    maxDevicesPerSubscription: 500,
    seriesIdCacheSize: 200_000, // entries; the cache is cleared oldest-first beyond this
    unknownKeyRetryMs: 5_000, // a key the sink has not created yet is looked up again after this
  },
  ws: {
    keepAliveMs: 20_000, // server pings keep idle proxies from closing the socket
    closeAfterAuthFailureMs: 100, // lets the coded error frame go out before the close frame
    unauthenticatedGraceMs: 2_000, // a socket with a bad token that never subscribes is closed after this
    rateRefusalsBeforeClose: 20, // subscribes refused for their rate before the socket is closed (4429)
  },
  apiKeys: {
    cacheMs: 10_000, // a verified key is trusted this long without a query; revocation also clears it at once through Redis
    touchEveryMs: 60_000, // last_used_at is written at most this often per key
    unknownCacheMs: 60_000, // a key id found in no row is refused without a query for this long
    unknownCacheSize: 10_000, // key ids remembered as unknown (oldest forgotten first)
  },
  annotationMaxChars: 4_000,
  redisKeyPrefix: 'oc:api:', // rate windows and the cross-replica event channel
  sinkRedisKeyPrefix: 'oc:', // where the sink keeps last values and health (sinks/redis/last-values.ts)
  readyzTimeoutMs: 2_000,
  dbStatementTimeoutMs: 15_000,
} as const;

// Limits and timings of the API in one place, units in the names or comments.

export const API_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  graphqlPath: '/graphql',
  uiDir: 'ui/dist', // relative to the working directory
  queryDepthLimit: 8,
  readings: {
    defaultMaxPoints: 1_000,
    maxPointsCap: 10_000, // per series; a chart is never wider than this in pixels
    maxSeriesPerRequest: 100,
    pointsBudgetPerRequest: 500_000, // seriesIds × maxPoints summed over every readings field
  },
  series: {
    defaultLimit: 50,
    maxLimit: 1_000,
  },
  live: {
    maxSeriesPerSubscription: 500,
    seriesIdCacheSize: 200_000, // entries; the cache is cleared oldest-first beyond this
    unknownKeyRetryMs: 5_000, // a key the sink has not created yet is looked up again after this
  },
  ws: {
    keepAliveMs: 20_000, // server pings keep idle proxies from closing the socket
    closeAfterAuthFailureMs: 100, // lets the coded error frame go out before the close frame
    unauthenticatedGraceMs: 2_000, // a socket with a bad token that never subscribes is closed after this
  },
  readyzTimeoutMs: 2_000,
  dbStatementTimeoutMs: 15_000,
} as const;

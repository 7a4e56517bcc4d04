// Settings of the api role: every one from the environment (or OC_CONFIG's YAML), documented and
// validated by common/config.ts. The limits default to DEFAULT_LIMITS.

import { hostname } from 'node:os';
import { defineSettings, type ConfigOf } from '../common/config.js';
import { opsSettingsFor } from '../common/settings.js';
import { ruleFileSettings } from '../devices/rule-settings.js';
import { streamSettings } from '../streams/index.js';
import { JWT_DEFAULTS } from './auth/jwt.js';
import { IDP_DEFAULTS, type JwtSettings } from './auth/token-verifier.js';
import { API_DEFAULTS, DEFAULT_LIMITS, type ApiLimits } from './defaults.js';
import { parentDownSettings } from '../alarms/parent-down-settings.js';

export const apiSettings = defineSettings({
  ...streamSettings,
  ...opsSettingsFor('api'),
  ...ruleFileSettings,
  databaseUrl: { kind: 'url', env: 'DATABASE_URL', default: 'postgres://postgres@127.0.0.1:15432/opsconductor', doc: 'PostgreSQL / TimescaleDB the API reads' },
  redisUrl: { kind: 'string', env: 'REDIS_URL', default: 'redis://127.0.0.1:16379', doc: 'Redis: rate limits, cross-replica events, last values ("off": none of these)' },
  redisKeyPrefix: { kind: 'string', env: 'API_REDIS_PREFIX', default: API_DEFAULTS.redisKeyPrefix, doc: 'prefix of the Redis keys and channel the API writes' },
  sinkRedisKeyPrefix: { kind: 'string', env: 'SINK_REDIS_PREFIX', default: API_DEFAULTS.sinkRedisKeyPrefix, doc: 'prefix under which the sink keeps last values and health in Redis' },
  host: { kind: 'string', env: 'API_HOST', default: API_DEFAULTS.host, doc: 'address the API listens on' },
  port: { kind: 'int', env: 'API_PORT', default: API_DEFAULTS.port, min: 0, max: 65_535, doc: 'port of the API and the dashboard' },
  jwtSecret: { kind: 'secret', env: 'API_JWT_SECRET', default: '', fromFile: true, min: JWT_DEFAULTS.minSecretLength, doc: `HS256 secret for tokens (at least ${JWT_DEFAULTS.minSecretLength} characters; the token command uses the same); required while HS256 tokens are accepted` },
  jwtHs256: { kind: 'string', env: 'API_JWT_HS256', default: 'auto', choices: ['auto', 'on', 'off'], doc: 'HS256 tokens (API_JWT_SECRET): auto accepts them unless an identity provider is configured, on and off say so' },
  jwtJwksUrl: { kind: 'string', env: 'API_JWT_JWKS_URL', default: 'none', doc: "JWKS URL of an identity provider: its RS256 tokens are accepted, keys fetched as they rotate (https; http only to loopback)" },
  jwtPublicKeyFile: { kind: 'string', env: 'API_JWT_PUBLIC_KEY_FILE', default: 'none', doc: 'PEM file of the identity provider\'s RSA public key, instead of API_JWT_JWKS_URL ("none": no such key)' },
  jwtIssuer: { kind: 'string', env: 'API_JWT_ISSUER', default: '', doc: 'the "iss" of the identity provider\'s tokens; required with an identity provider' },
  jwtAudience: { kind: 'list', env: 'API_JWT_AUDIENCE', default: [], doc: 'the "aud" (one of these, comma separated) the identity provider\'s tokens for this API carry; required with an identity provider' },
  jwtRoleClaim: { kind: 'string', env: 'API_JWT_ROLE_CLAIM', default: IDP_DEFAULTS.roleClaim, doc: 'claim of identity-provider tokens holding the role: a name or a dotted path (realm_access.roles); a list gives its highest known role' },
  jwtMaxLifetimeS: { kind: 'int', env: 'API_JWT_MAX_LIFETIME_S', default: IDP_DEFAULTS.maxLifetimeS, min: 60, doc: 'longest lifetime (exp − iat) of an identity-provider token, seconds' },
  parentDownUpstream: parentDownSettings.parentDownUpstream,
  uiDir: { kind: 'string', env: 'API_UI_DIR', default: API_DEFAULTS.uiDir, doc: 'folder of the built dashboard' },
  corsOrigins: { kind: 'list', env: 'API_CORS_ORIGINS', default: [], doc: 'browser origins allowed to call the API (comma separated)' },
  replicaId: { kind: 'string', env: 'API_REPLICA_ID', default: `${hostname()}-${process.pid}`, defaultText: '<host>-<pid>', doc: 'name of this replica (its consumer groups)' },
  queryDepth: { kind: 'int', env: 'API_LIMIT_QUERY_DEPTH', default: DEFAULT_LIMITS.queryDepth, min: 2, max: 50, doc: 'deepest selection nesting a document may have' },
  queryCost: { kind: 'int', env: 'API_LIMIT_QUERY_COST', default: DEFAULT_LIMITS.queryCost, min: 10, doc: 'highest estimated cost (fields × list sizes) a document may have' },
  maxPointsPerSeries: { kind: 'int', env: 'API_LIMIT_MAX_POINTS', default: DEFAULT_LIMITS.maxPointsPerSeries, min: 10, doc: 'highest maxPoints of readings' },
  maxSeriesPerField: { kind: 'int', env: 'API_LIMIT_SERIES_PER_FIELD', default: DEFAULT_LIMITS.maxSeriesPerField, min: 1, doc: 'most ids one readings/baselines/healthHistory field may name' },
  pointsPerRequest: { kind: 'int', env: 'API_LIMIT_POINTS_PER_REQUEST', default: DEFAULT_LIMITS.pointsPerRequest, min: 100, doc: 'most points (ids × maxPoints) a request may ask for over all its fields' },
  requestsPerWindow: { kind: 'int', env: 'API_LIMIT_REQUESTS', default: DEFAULT_LIMITS.requestsPerWindow, min: 1, doc: 'requests a token subject or API key may make per window, over all replicas' },
  rateWindowMs: { kind: 'int', env: 'API_LIMIT_RATE_WINDOW_MS', default: DEFAULT_LIMITS.rateWindowMs, min: 1_000, doc: 'length of the sliding rate window, ms' },
  subscriptionsPerConnection: { kind: 'int', env: 'API_LIMIT_SUBSCRIPTIONS', default: DEFAULT_LIMITS.subscriptionsPerConnection, min: 1, doc: 'subscriptions one websocket may hold at once' },
  addressRequestsPerWindow: { kind: 'int', env: 'API_LIMIT_ADDRESS_REQUESTS', default: DEFAULT_LIMITS.addressRequestsPerWindow, min: 1, doc: 'requests and websocket upgrades a client address may make per window before authentication, over all replicas' },
  wsInitTimeoutMs: { kind: 'int', env: 'API_WS_INIT_TIMEOUT_MS', default: DEFAULT_LIMITS.wsInitTimeoutMs, min: 100, doc: 'ms a websocket has to send connection_init before it is closed with 4408' },
  wsPerAddress: { kind: 'int', env: 'API_LIMIT_WS_PER_ADDRESS', default: DEFAULT_LIMITS.wsPerAddress, min: 1, doc: 'open websockets per client address on one replica (past it: HTTP 429 at the upgrade)' },
  wsPerToken: { kind: 'int', env: 'API_LIMIT_WS_PER_TOKEN', default: DEFAULT_LIMITS.wsPerToken, min: 1, doc: 'open websockets per token subject or API key on one replica (past it: close 4429)' },
  bodyBytes: { kind: 'int', env: 'API_LIMIT_BODY_BYTES', default: DEFAULT_LIMITS.bodyBytes, min: 1_024, doc: 'largest request body, bytes' },
  rangeRawDays: { kind: 'int', env: 'API_LIMIT_RANGE_RAW_DAYS', default: DEFAULT_LIMITS.rangeRawDays, min: 1, doc: 'longest range the raw tier serves, days (longer ones move to a rollup; a forced raw tier is refused with LIMIT_RANGE)' },
  range5mDays: { kind: 'int', env: 'API_LIMIT_RANGE_5M_DAYS', default: DEFAULT_LIMITS.range5mDays, min: 1, doc: 'longest range the 5m tier (and healthHistory) serves, days' },
  range1hDays: { kind: 'int', env: 'API_LIMIT_RANGE_1H_DAYS', default: DEFAULT_LIMITS.range1hDays, min: 1, doc: 'longest range the 1h tier serves, days' },
  range1dDays: { kind: 'int', env: 'API_LIMIT_RANGE_1D_DAYS', default: DEFAULT_LIMITS.range1dDays, min: 1, doc: 'longest range the 1d tier serves, days (past it: LIMIT_RANGE)' },
});

export type ApiConfig = ConfigOf<typeof apiSettings>;

export function limitsFrom(config: ApiConfig): ApiLimits {
  const { queryDepth, queryCost, maxPointsPerSeries, maxSeriesPerField, pointsPerRequest, requestsPerWindow, rateWindowMs, subscriptionsPerConnection, bodyBytes } = config;
  const { rangeRawDays, range5mDays, range1hDays, range1dDays, addressRequestsPerWindow, wsInitTimeoutMs, wsPerAddress, wsPerToken } = config;
  return {
    queryDepth, queryCost, maxPointsPerSeries, maxSeriesPerField, pointsPerRequest, requestsPerWindow, addressRequestsPerWindow, rateWindowMs,
    subscriptionsPerConnection, wsInitTimeoutMs, wsPerAddress, wsPerToken, bodyBytes, rangeRawDays, range5mDays, range1hDays, range1dDays,
  };
}

/** The JWT settings; the identity provider's PEM key is read by the caller (api-role.ts). */
export function jwtSettingsFrom(config: ApiConfig, publicKeyPem: string | undefined): JwtSettings {
  return {
    secret: config.jwtSecret,
    hs256: config.jwtHs256 as JwtSettings['hs256'],
    jwksUrl: config.jwtJwksUrl,
    publicKeyPem,
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    roleClaim: config.jwtRoleClaim,
    maxLifetimeS: config.jwtMaxLifetimeS,
  };
}

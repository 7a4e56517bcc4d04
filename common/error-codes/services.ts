// Error codes the API and the schema registry send to their clients. Every error a GraphQL client
// sees carries one of the API's codes in `extensions.code` (its HTTP status: api/errors.ts); the
// registry's codes map to Confluent's numeric error_code (schemas/registry/errors.ts). Part of the
// one catalogue (common/errors.ts).
import type { ErrorSpec } from '../errors.js';

export const apiErrors = {
  UNAUTHENTICATED: { canRetry: false, meaning: 'no usable token or key; extensions.reason says which (TOKEN_MISSING, …)' },
  FORBIDDEN: { canRetry: false, meaning: 'authenticated, but the role may not do this; extensions.field names the field' },
  BAD_USER_INPUT: { canRetry: false, meaning: 'an argument is malformed (not a series id, from > to, …)' },
  BAD_REQUEST: { canRetry: false, meaning: 'an HTTP request the server refused before GraphQL (a malformed body, a bad route parameter)' },
  NOT_FOUND: { canRetry: false, meaning: 'the object a mutation names does not exist' },
  LIMIT_MAX_POINTS: { canRetry: false, meaning: "maxPoints above the server's cap" },
  LIMIT_SERIES: { canRetry: false, meaning: 'more ids in one field than allowed' },
  LIMIT_POINTS_BUDGET: { canRetry: false, meaning: 'the whole request would return more points than allowed' },
  LIMIT_RANGE: { canRetry: false, meaning: 'from..to longer than the tier serving it may read; extensions.tier, limitDays' },
  LIMIT_DEPTH: { canRetry: false, meaning: 'the document nests deeper than allowed' },
  LIMIT_COST: { canRetry: false, meaning: "the document's estimated cost is above the limit" },
  LIMIT_RATE: { canRetry: true, meaning: 'too many requests for this token or key; extensions.retryAfterMs says when to retry' },
  LIMIT_SUBSCRIPTIONS: { canRetry: false, meaning: 'too many subscriptions on one connection' },
  LIMIT_BODY: { canRetry: false, meaning: 'the request body is larger than allowed' },
  GRAPHQL_VALIDATION_FAILED: { canRetry: false, meaning: 'the document does not parse or validate against the schema' },
  NOT_CONFIGURED: { canRetry: false, meaning: 'the replica lacks what this needs (credential store key, Kafka producer)' },
  AUTH_UNAVAILABLE: { canRetry: true, meaning: "the identity provider's keys (JWKS) could not be fetched" },
  DATABASE_UNAVAILABLE: { canRetry: true, meaning: 'PostgreSQL did not answer (readiness)' },
  DEPENDENCY_UNAVAILABLE: { canRetry: true, meaning: 'a dependency of the replica is not ready (readiness); the message lists which' },
  INTERNAL: { canRetry: false, meaning: 'anything unexpected; details only in the server log' },
} as const satisfies Record<string, ErrorSpec>;

// Why authentication failed: extensions.reason of an UNAUTHENTICATED error, and the reason label
// of oc_api_auth_failures_total.
export const authFailureReasons = {
  TOKEN_MISSING: { canRetry: false, meaning: 'no token was presented' },
  TOKEN_INVALID: { canRetry: false, meaning: 'the token is malformed, its signature does not match, or a claim is not the expected value' },
  TOKEN_EXPIRED: { canRetry: false, meaning: 'the token has expired' },
  API_KEY_INVALID: { canRetry: false, meaning: 'the API key is unknown, revoked or expired' },
} as const satisfies Record<string, ErrorSpec>;

export const registryErrors = {
  SUBJECT_NOT_FOUND: { canRetry: false, meaning: 'the subject is not registered (40401)' },
  VERSION_NOT_FOUND: { canRetry: false, meaning: 'the subject has no such version (40402)' },
  SCHEMA_NOT_FOUND: { canRetry: false, meaning: 'no schema has this id (40403)' },
  SUBJECT_SOFT_DELETED: { canRetry: false, meaning: 'the subject was soft deleted; permanent=true deletes it for good (40404)' },
  SUBJECT_NOT_SOFT_DELETED: { canRetry: false, meaning: 'a permanent delete of a subject not soft deleted first (40405)' },
  VERSION_SOFT_DELETED: { canRetry: false, meaning: 'the version was soft deleted; permanent=true deletes it for good (40406)' },
  VERSION_NOT_SOFT_DELETED: { canRetry: false, meaning: 'a permanent delete of a version not soft deleted first (40407)' },
  SUBJECT_CONFIG_NOT_FOUND: { canRetry: false, meaning: 'the subject has no subject-level compatibility configured (40408)' },
  INCOMPATIBLE_SCHEMA: { canRetry: false, meaning: "the schema breaks the subject's compatibility level (409)" },
  INVALID_SCHEMA: { canRetry: false, meaning: 'the body holds no valid Avro schema (42201)' },
  INVALID_VERSION: { canRetry: false, meaning: 'a version that is not a positive integer or "latest" (42202)' },
  INVALID_COMPATIBILITY_LEVEL: { canRetry: false, meaning: 'a compatibility level the registry does not know (42203)' },
  STORE_ERROR: { canRetry: true, meaning: "the registry's schema log topic could not be read or appended to (50001)" },
  STORE_TIMEOUT: { canRetry: true, meaning: "the registry's own write did not come back from its log in time (50002)" },
  REGISTRY_TOPIC_PARTITIONS: { canRetry: false, meaning: "the registry's log topic has more than one partition: schema ids would not be deterministic" },
} as const satisfies Record<string, ErrorSpec>;

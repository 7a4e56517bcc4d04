// Series ids arrive as GraphQL IDs (strings). They become bigint SQL parameters and, for live
// subscriptions, pubsub topic names, so only plain decimal integers are accepted: a "#" or "+"
// would otherwise be a wildcard in the topic matcher and subscribe a client to every series.

import { ApiError } from '../errors.js';

const SERIES_ID = /^[1-9][0-9]{0,18}$/; // bigserial: positive, fits in int8

export function parseSeriesIds(ids: readonly string[], maxCount: number): string[] {
  const unique = [...new Set(ids.map((id) => String(id).trim()))];
  if (unique.length > maxCount) {
    throw new ApiError('LIMIT_SERIES', `at most ${maxCount} ids per field, got ${unique.length}`, { detail: { limit: maxCount } });
  }
  for (const id of unique) {
    if (!SERIES_ID.test(id)) throw new ApiError('BAD_USER_INPUT', `"${id.slice(0, 40)}" is not a series id`);
  }
  return unique;
}

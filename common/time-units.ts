// Durations in milliseconds, the unit of every timestamp and of every `…Ms` setting here:
// `7 * DAY_MS` says what `604_800_000` only computes. Plain constants, importable from any folder
// (the dashboard too): calendar days are not meant, a DAY_MS is always 24 hours (UTC buckets).
export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

// What may travel on the API's Redis event channel, checked field by field before anything acts
// on it: the channel is shared by every replica and anything that can write to Redis can publish
// on it, so a message is data from outside. A message that is not one of the two kinds, complete
// and well typed, is refused (counted, logged) instead of reaching subscribers or a cache; one
// larger than MAX_BUS_MESSAGE_BYTES is not even parsed.

import { SEVERITIES, STATES } from '../anomalies/anomalies-query.js';
import type { BusMessage } from './event-bus.js';

// An update carries its anomaly's notes (at most 500 of at most 4,000 characters: up to ~6 MB of
// UTF-8): the cap is above that, and far below what Redis would carry (512 MB).
export const MAX_BUS_MESSAGE_BYTES = 8 * 1024 * 1024;
const MAX_TEXT = 16_000; // characters of any one string (a note has at most 4,000)
const UPDATE_KINDS = ['EVENT', 'ACKNOWLEDGED', 'ANNOTATED'];
const KEY_ID = /^[0-9a-f]{16}$/;

type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === 'string' && v.length <= MAX_TEXT;
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const bool: Check = (v) => typeof v === 'boolean';
const oneOf = (values: readonly string[]): Check => (v) => typeof v === 'string' && values.includes(v);
const nullable = (c: Check): Check => (v) => v === null || c(v);
const optional = (c: Check): Check => (v) => v === undefined || c(v);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const shape = (fields: Record<string, Check>): Check => (v) => isObject(v) && Object.entries(fields).every(([k, c]) => c(v[k]));
const list = (c: Check, max: number): Check => (v) => Array.isArray(v) && v.length <= max && v.every(c);
const labels: Check = (v) => isObject(v) && Object.keys(v).length <= 64 && Object.values(v).every(str);

const annotation = shape({ id: str, anomalyId: str, by: str, at: num, text: str });
const anomaly = shape({
  id: str, state: oneOf(STATES), isOpen: bool, seriesKey: str, deviceId: str, metric: str, labels,
  startedAt: num, updatedAt: num, endedAt: nullable(num), severity: oneOf(SEVERITIES), peakSeverity: oneOf(SEVERITIES),
  score: num, peakScore: num, observed: num, expected: num, lower: num, upper: num, detector: str, reason: str, events: nullable(num),
  acknowledgement: optional(nullable(shape({ by: str, at: num, note: nullable(str) }))),
  annotations: optional(list(annotation, 500)),
});
const anomalyUpdate = shape({ kind: oneOf(UPDATE_KINDS), anomaly, annotation: nullable(annotation) });

/** The message, or why it is refused. */
export function parseBusMessage(text: string): BusMessage | { refused: string } {
  if (Buffer.byteLength(text, 'utf8') > MAX_BUS_MESSAGE_BYTES) return { refused: `larger than ${MAX_BUS_MESSAGE_BYTES} bytes` };
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { refused: 'not JSON' };
  }
  if (!isObject(msg)) return { refused: 'not an object' };
  if (msg.kind === 'api-key-revoked') return typeof msg.id === 'string' && KEY_ID.test(msg.id) ? { kind: 'api-key-revoked', id: msg.id } : { refused: 'api-key-revoked without a key id' };
  if (msg.kind === 'anomaly-update') return anomalyUpdate(msg.update) ? (msg as BusMessage) : { refused: 'anomaly-update that is not a complete anomaly update' };
  return { refused: `unknown kind ${JSON.stringify(String(msg.kind).slice(0, 40))}` };
}

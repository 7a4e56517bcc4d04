// A series is a device, a metric and its labels. The key is stable text (labels sorted) so the
// same reading always lands on the same series, whichever process derives it.

export function seriesKey(deviceId: string, metric: string, labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return `${deviceId}/${metric}`;
  return `${deviceId}/${metric}{${names.map((n) => `${n}=${labels[n]}`).join(',')}}`;
}

/** A series' key and labels, shared by every sample of it while cached. */
export interface InternedSeries {
  seriesKey: string;
  labels: Record<string, string>;
  labelName: string | null;
}

// Interned series for the per-poll hot path (SNMP interfaces): one key string and one labels
// object per (device, metric, label), reused poll after poll. A map lookup by a string the runtime
// has seen before is cheap (its hash is cached, equal keys match by identity), where a freshly
// built key is flattened and hashed again in every map it meets (series state, live throttle).
// Consumers must not mutate the labels (none does). Bounded: past the limit it starts over.
const interned = new Map<string, Map<string, Map<string, InternedSeries>>>(); // device → metric → label value
let internedCount = 0;
const internLimit = 500_000; // series

/** seriesKey(deviceId, metric, labelName ? { [labelName]: labelValue } : {}), interned. */
export function internedSeries(deviceId: string, metric: string, labelName: string | null, labelValue: string): InternedSeries {
  return seriesInterner(deviceId)(metric, labelName, labelValue);
}

/** internedSeries for one device: its cache is looked up once (a poll's samples share it). */
export function seriesInterner(deviceId: string): (metric: string, labelName: string | null, labelValue: string) => InternedSeries {
  let byMetric = interned.get(deviceId);
  if (!byMetric) interned.set(deviceId, (byMetric = new Map()));
  const device = byMetric;
  return (metric, labelName, labelValue) => {
    let byValue = device.get(metric);
    if (!byValue) device.set(metric, (byValue = new Map()));
    const hit = byValue.get(labelValue);
    if (hit && hit.labelName === labelName) return hit;
    const labels: Record<string, string> = labelName === null ? {} : { [labelName]: labelValue };
    const made = { seriesKey: seriesKey(deviceId, metric, labels), labels, labelName };
    if (++internedCount > internLimit) {
      interned.clear();
      internedCount = 0;
    } else byValue.set(labelValue, made);
    return made;
  };
}

// A series is a device, a metric and its labels. The key is stable text (labels sorted) so the
// same reading always lands on the same series, whichever process derives it.

export function seriesKey(deviceId: string, metric: string, labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return `${deviceId}/${metric}`;
  return `${deviceId}/${metric}{${names.map((n) => `${n}=${labels[n]}`).join(',')}}`;
}

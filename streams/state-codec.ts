// Processor state travels through JSON on the changelog: bigint (SNMP counters) and Map survive
// as tagged objects.

export function stateReplacer(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? { $bigint: v.toString() } : v instanceof Map ? { $map: [...v] } : v;
}

export function stateReviver(_k: string, v: unknown): unknown {
  if (v && typeof v === 'object') {
    if ('$bigint' in v) return BigInt((v as { $bigint: string }).$bigint);
    if ('$map' in v) return new Map((v as { $map: [unknown, unknown][] }).$map);
  }
  return v;
}

export const encodeState = (s: unknown): Buffer => Buffer.from(JSON.stringify(s, stateReplacer));

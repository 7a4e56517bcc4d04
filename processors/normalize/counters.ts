// Counter arithmetic. SNMP counters only ever go up and wrap at their width; a device reboot or a
// counter reset also makes them go "down". Telling the two apart decides between a true rate and a
// false spike of petabits on the wall.

const WRAP32 = 1n << 32n;
const WRAP64 = 1n << 64n;

export type CounterKind = 'COUNTER32' | 'COUNTER64';

export type DeltaResult = { ok: true; delta: bigint; wrapped: boolean } | { ok: false; reason: 'reset' };

/**
 * The increase from `prev` to `next`. A decrease is a wrap only for a 32-bit counter whose
 * wrapped increase stays below what the interface could carry in the elapsed time (a 64-bit
 * counter does not wrap in the lifetime of any link); otherwise it is a reset and yields no rate.
 */
export function counterDelta(kind: CounterKind, prev: bigint, next: bigint, maxIncrease: bigint | null): DeltaResult {
  if (next >= prev) return { ok: true, delta: next - prev, wrapped: false };
  if (kind === 'COUNTER64') return { ok: false, reason: 'reset' };
  const wrapped = next + WRAP32 - prev;
  if (maxIncrease !== null && wrapped > maxIncrease) return { ok: false, reason: 'reset' };
  // Without a known speed, a wrap is taken only if it is less than half the counter's range:
  // a reset to a small value after a large one would otherwise read as an enormous increase.
  if (maxIncrease === null && wrapped > WRAP32 / 2n) return { ok: false, reason: 'reset' };
  return { ok: true, delta: wrapped, wrapped: true };
}

/** Rate per second of a delta over an interval in ms (a double: rates need no 64-bit precision). */
export function ratePerSecond(delta: bigint, intervalMs: number): number {
  return (Number(delta) * 1000) / intervalMs;
}

export const counterLimits = { WRAP32, WRAP64 };

// Placeholder until the resilience benchmark lands (see its issue).
import type { BenchContext } from './run.js';

export async function run(_ctx: BenchContext): Promise<Record<string, unknown>> {
  throw new Error('bench "resilience" is not built yet');
}

// Placeholder until the api benchmark lands (see its issue).
import type { BenchContext } from './run.js';

export async function run(_ctx: BenchContext): Promise<Record<string, unknown>> {
  throw new Error('bench "api" is not built yet');
}

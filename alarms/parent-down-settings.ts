// The settings of parent-down suppression, shared by the roles that judge it (notifier, api) so
// both read the same upstream and agree on what is suppressed.
import { OpsError } from '../common/errors.js';
import { parseUpstream, type Upstream } from './parent-down.js';

export const parentDownSettings = {
  parentDownUpstream: {
    kind: 'string',
    env: 'PARENT_DOWN_UPSTREAM',
    default: '',
    doc: 'where reachability starts for parent-down suppression: comma separated "site:<site>" (every device of the collectors\' site) and device ids; empty: suppression off',
  },
  parentDownSettleMs: {
    kind: 'int',
    env: 'PARENT_DOWN_SETTLE_MS',
    // Three 10 s polls: the device-down rule needs two, and a parent polled in another phase
    // than its child may report one poll later; a page waits at most this long for it.
    default: 30_000,
    min: 0,
    max: 600_000,
    doc: 'ms an anomaly of a device behind another waits for its parent\'s outage to be read before it is paged, and waits after the parent is back for its own CLOSE',
  },
} as const;

/** The upstream and settle time, or null when suppression is off; a bad upstream fails at start. */
export function parentDownOf(c: { parentDownUpstream: string; parentDownSettleMs: number }): { upstream: Upstream; settleMs: number } | null {
  try {
    const upstream = parseUpstream(c.parentDownUpstream);
    return upstream ? { upstream, settleMs: c.parentDownSettleMs } : null;
  } catch (err) {
    throw new OpsError('CONFIG_INVALID', `parentDownUpstream (env PARENT_DOWN_UPSTREAM): ${(err as Error).message}`);
  }
}

// Parent-down suppression as the anomalies page and the ticker show it: an anomaly of a device
// reachable only through a down one says which (its row dimmed, not paged); the down device's own
// outage says how many devices it cuts off.
import type { ParentDown } from '../data/anomaly-store.js';
import { hrefOf } from '../route.js';

export function ParentDownBadges({ suppressedBy, suppressing }: { suppressedBy?: ParentDown | null; suppressing?: number }) {
  return (
    <>
      {suppressedBy ? (
        <span className="badge-silenced" data-testid="parent-down-badge" title={`reachable only through ${suppressedBy.deviceId}, which is down: not paged`}>
          behind <a href={hrefOf('device', undefined, suppressedBy.deviceId)}>{suppressedBy.deviceId}</a> (down)
        </span>
      ) : null}
      {suppressing ? (
        <span className="badge-root-cause" data-testid="suppressing-badge" title="root cause: the anomalies of the devices behind it are not paged">
          root cause, {suppressing} device{suppressing === 1 ? '' : 's'} behind
        </span>
      ) : null}
    </>
  );
}

// Parent-down suppression as the anomalies page and the ticker show it: an anomaly of a device
// reachable only through a down one says which (its row dimmed, not paged); the down device's own
// other anomalies (its loss, a fan it can no longer be asked about) say that it is down; its
// outage anomaly says how many devices it cuts off.
import type { ParentDown } from '../data/anomaly-store.js';
import { hrefOf } from '../route.js';

export function ParentDownBadges({ deviceId, suppressedBy, suppressing }: { deviceId: string; suppressedBy?: ParentDown | null; suppressing?: number }) {
  return (
    <>
      {suppressedBy?.deviceId === deviceId ? (
        <span className="badge-silenced" data-testid="parent-down-badge" title="this device is down: its outage anomaly is paged, not this one">
          device down
        </span>
      ) : suppressedBy ? (
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

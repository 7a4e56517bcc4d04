// The wall's top bar: name, link state, how old the newest data is, and a clock. Each part keeps
// its own once-a-second state, so only these few elements re-render on the tick.

import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ConnectionStatus } from '../api/connection-status.js';
import { formatClockTime } from './format.js';
import type { DataFreshness } from './wall-controller.js';

export const STALE_AFTER_MS = 10_000;

function useNow(everyMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

function Clock() {
  const now = new Date(useNow());
  return (
    <div className="clock">
      <span className="clock-local">{formatClockTime(now)}</span>
      <span className="clock-utc">UTC {formatClockTime(now, 'UTC').slice(0, 5)}</span>
    </div>
  );
}

function LastDataBadge(props: { freshness: DataFreshness; since: number }) {
  const now = useNow();
  const last = props.freshness.lastDataAtMs;
  const ageMs = last === null ? now - props.since : Math.max(0, now - last);
  const stale = ageMs > STALE_AFTER_MS;
  const text = last === null ? 'no data yet' : `last data ${Math.round(ageMs / 1000)} s ago`;
  return <span className={`badge ${stale ? 'badge-bad' : 'badge-good'}`}>{text}</span>;
}

const LINK_TEXT = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', unauthorized: 'token refused' } as const;

function LinkBadge(props: { status: ConnectionStatus }) {
  const status = useSyncExternalStore(props.status.subscribe, props.status.get);
  const tone = status.state === 'live' ? 'badge-good' : status.state === 'unauthorized' ? 'badge-bad' : 'badge-warn';
  return (
    <span className={`badge ${tone}`} title={status.detail}>
      {LINK_TEXT[status.state]}
      {status.state === 'unauthorized' && status.detail ? ` (${status.detail})` : ''}
    </span>
  );
}

export function StatusBar(props: { status: ConnectionStatus; freshness: DataFreshness; since: number; subtitle: string }) {
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-name">OpsConductor</span>
        <span className="brand-sub">{props.subtitle}</span>
      </div>
      <div className="badges">
        <LinkBadge status={props.status} />
        <LastDataBadge freshness={props.freshness} since={props.since} />
      </div>
      <Clock />
    </header>
  );
}

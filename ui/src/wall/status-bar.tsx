// The wall's top bar (name, link state, how old the newest data is, a clock) and the stale
// banner. Each part keeps its own once-a-second state, so only these few elements re-render on
// the tick.

import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ConnectionStatus, LinkStatus } from '../api/connection-status.js';
import { formatClockTime } from './format.js';
import { LAYOUT_DEFAULTS } from './layout.js';
import type { DataFreshness } from './wall-controller.js';

const STALE_AFTER_MS = LAYOUT_DEFAULTS.staleS * 1000; // when the page passes no threshold of its own

export function useNow(everyMs = 1_000): number {
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
    <div className="clock" data-testid="clock">
      <span className="clock-local">{formatClockTime(now)}</span>
      <span className="clock-utc">UTC {formatClockTime(now, 'UTC').slice(0, 5)}</span>
    </div>
  );
}

function LastDataBadge(props: { freshness: DataFreshness; since: number; staleAfterMs: number }) {
  const now = useNow();
  const last = props.freshness.lastDataAtMs;
  const ageMs = last === null ? now - props.since : Math.max(0, now - last);
  const stale = ageMs > props.staleAfterMs;
  const text = last === null ? 'no data yet' : `last data ${Math.round(ageMs / 1000)} s ago`;
  return (
    <span className={`badge ${stale ? 'badge-bad' : 'badge-good'}`} data-testid="last-data">
      {text}
    </span>
  );
}

const LINK_TEXT = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', unauthorized: 'token refused' } as const;

function LinkBadge(props: { status: ConnectionStatus }) {
  const status = useSyncExternalStore(props.status.subscribe, props.status.get);
  const tone = status.state === 'live' ? 'badge-good' : status.state === 'unauthorized' ? 'badge-bad' : 'badge-warn';
  return (
    <span className={`badge ${tone}`} title={status.detail} data-testid="link-state" data-state={status.state}>
      {LINK_TEXT[status.state]}
      {status.state === 'unauthorized' && status.detail ? ` (${status.detail})` : ''}
    </span>
  );
}

export function StatusBar(props: {
  status: ConnectionStatus;
  freshness: DataFreshness;
  since: number;
  subtitle: string;
  staleAfterMs?: number;
  children?: React.ReactNode;
}) {
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-name">OpsConductor</span>
        <span className="brand-sub">{props.subtitle}</span>
      </div>
      {props.children}
      <div className="badges">
        <LinkBadge status={props.status} />
        <LastDataBadge freshness={props.freshness} since={props.since} staleAfterMs={props.staleAfterMs ?? STALE_AFTER_MS} />
      </div>
      <Clock />
    </header>
  );
}

/** Why the wall is stale right now, or null when it is not. */
export function staleReason(link: LinkStatus, freshness: DataFreshness, nowMs: number, staleAfterMs: number): string | null {
  if (link.state === 'reconnecting') return 'The link to the API is down: reconnecting. Charts are frozen; the gap is filled in once it is back.';
  if (freshness.backfilling) return 'Reconnected: filling in the gap…';
  if (freshness.lastDataAtMs !== null && nowMs - freshness.lastDataAtMs > staleAfterMs)
    return `No new data for ${Math.round((nowMs - freshness.lastDataAtMs) / 1000)} s: collectors or the pipeline may be stalled.`;
  return null;
}

export function StaleBanner(props: { status: ConnectionStatus; freshness: DataFreshness; staleAfterMs?: number }) {
  const now = useNow();
  const link = useSyncExternalStore(props.status.subscribe, props.status.get);
  const reason = staleReason(link, props.freshness, now, props.staleAfterMs ?? STALE_AFTER_MS);
  if (!reason) return null;
  return (
    <div className="stale-banner" role="alert" data-testid="stale-banner">
      <strong>STALE</strong> {reason}
    </div>
  );
}

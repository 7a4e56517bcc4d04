// The frame of the analyst pages (explorer, anomalies, devices): a slim bar with the page links,
// the link state and the caller's role, and a scrolling body (the wall never scrolls; these do).

import { useSyncExternalStore } from 'react';
import type { Session } from '../app.js';

const PAGES = [
  { href: '#/', label: 'Wall' },
  { href: '#/map', label: 'Weathermap' },
  { href: '#/explore', label: 'Explorer' },
  { href: '#/anomalies', label: 'Anomalies' },
] as const;

export function PageShell(props: { session: Session; title: string; children: React.ReactNode }) {
  const status = useSyncExternalStore(props.session.api.status.subscribe, props.session.api.status.get);
  return (
    <div className="page page-scroll">
      <header className="topbar topbar-slim">
        <div className="brand">
          <span className="brand-name">OpsConductor</span>
          <span className="brand-sub">{props.title}</span>
        </div>
        <nav className="menu">
          {PAGES.map((p) => (
            <a key={p.href} className="menu-link" href={p.href}>
              {p.label}
            </a>
          ))}
        </nav>
        <div className="badges">
          <span className="badge badge-plain" data-testid="role">{props.session.role}</span>
          <span className={`badge ${status.state === 'live' ? 'badge-good' : 'badge-warn'}`} data-testid="link-state" data-state={status.state}>
            {status.state}
          </span>
        </div>
      </header>
      <div className="page-body">{props.children}</div>
    </div>
  );
}

// The wall's layout menu (never shown in kiosk mode): edit what the wall shows, save layouts in
// this browser, build a rotating or kiosk link with the viewer token, and go to the explorer.

import { useState } from 'react';
import { PRESET_LAYOUTS, encodeLayout, parseLayout, savedLayouts, saveLayout, deleteLayout, wallLink, type WallConfig, type WallLayout } from './layout.js';

function Field(props: { label: string; name: string; value: string; hint?: string }) {
  return (
    <label className="menu-field">
      <span>{props.label}</span>
      <input name={props.name} defaultValue={props.value} placeholder={props.hint} />
    </label>
  );
}

export function LayoutMenu(props: { config: WallConfig; layout: WallLayout; token: string }) {
  const { layout } = props;
  const [saved, setSaved] = useState(() => savedLayouts(localStorage));
  const [rotation, setRotation] = useState<string[]>([]);
  const [copied, setCopied] = useState('');

  const fromForm = (form: HTMLFormElement): WallLayout => {
    const data = new FormData(form);
    const p = new URLSearchParams();
    for (const [k, v] of data) if (typeof v === 'string' && v.trim()) p.set(k, v.trim());
    return parseLayout(p);
  };
  const open = (query: string) => window.location.assign(`/${query ? `?${query}` : ''}`);
  const copy = async (text: string) => {
    await navigator.clipboard?.writeText(text).catch(() => undefined);
    setCopied(text);
  };
  const rotationConfig = (kiosk: boolean): WallConfig => ({
    layouts: rotation.map((name) => parseLayout(new URLSearchParams(saved[name] ?? ''))),
    rotateS: 60,
    kiosk,
    staleS: props.config.staleS,
  });

  return (
    <nav className="menu">
      <a className="menu-link" href="#/map">Weathermap</a>
      <a className="menu-link" href="#/explore">Explorer</a>
      <a className="menu-link" href="#/anomalies">Anomalies</a>
      <details className="menu-layout">
        <summary>Layout</summary>
        <form
          className="menu-panel"
          onSubmit={(e) => {
            e.preventDefault();
            open(encodeLayout(fromForm(e.currentTarget)));
          }}
        >
          <div className="menu-presets">
            {PRESET_LAYOUTS.map((p) => (
              <a key={p.title} className="menu-link" href={`/${p.query ? `?${p.query}` : ''}`} aria-current={encodeLayout(layout) === encodeLayout(parseLayout(new URLSearchParams(p.query))) ? 'page' : undefined}>
                {p.title}
              </a>
            ))}
          </div>
          <Field label="Name" name="name" value={layout.name} />
          <Field label="Devices" name="devices" value={layout.devices.join(',')} hint="r1,r2 (any)" />
          <Field label="Sites" name="sites" value={layout.sites.join(',')} hint="nyc1 (any)" />
          <Field label="Series" name="series" value={layout.series.join(',')} hint="/if_in_bps,optical_rx_dbm" />
          <Field label="Charts" name="charts" value={String(layout.charts)} />
          <Field label="Minutes" name="window" value={String(layout.windowMin)} />
          <label className="menu-field">
            <span>Order</span>
            <select name="rank" defaultValue={layout.rank ?? ''}>
              <option value="">catalogue</option>
              <option value="highest">highest first (busiest)</option>
              <option value="lowest">lowest first (optics at risk)</option>
            </select>
          </label>
          <label className="menu-field">
            <span>Rows</span>
            <select name="group" defaultValue={layout.bySite ? 'site' : ''}>
              <option value="">as they fit</option>
              <option value="site">one a site</option>
            </select>
          </label>
          <div className="menu-buttons">
            <button type="submit">Open</button>
            <button
              type="button"
              onClick={(e) => {
                const l = fromForm(e.currentTarget.form!);
                saveLayout(localStorage, l);
                setSaved(savedLayouts(localStorage));
              }}
            >
              Save
            </button>
            <button type="button" onClick={() => void copy(wallLink(window.location.origin, { layouts: [fromForm(document.querySelector('.menu-panel')!)], rotateS: 0, kiosk: true, staleS: props.config.staleS }, props.token))}>
              Copy kiosk link
            </button>
          </div>
          {Object.keys(saved).length > 0 ? (
            <div className="menu-saved">
              <h3>Saved layouts (tick to rotate)</h3>
              {Object.entries(saved).map(([name, query]) => (
                <div key={name} className="menu-saved-row">
                  <input
                    type="checkbox"
                    checked={rotation.includes(name)}
                    onChange={(e) => setRotation((r) => (e.target.checked ? [...r, name] : r.filter((x) => x !== name)))}
                  />
                  <button type="button" className="linkish" onClick={() => open(query)}>{name}</button>
                  <button type="button" className="linkish" onClick={() => { deleteLayout(localStorage, name); setSaved(savedLayouts(localStorage)); }}>delete</button>
                </div>
              ))}
              <div className="menu-buttons">
                <button type="button" disabled={rotation.length < 2} onClick={() => window.location.assign(wallLink('', rotationConfig(false)))}>Rotate</button>
                <button type="button" disabled={rotation.length < 2} onClick={() => void copy(wallLink(window.location.origin, rotationConfig(true), props.token))}>Copy rotating kiosk link</button>
              </div>
            </div>
          ) : null}
          {copied ? <p className="menu-copied">Link (holds a token: give it only to wall screens): <code>{copied}</code></p> : null}
        </form>
      </details>
    </nav>
  );
}

// Device health tiles: one per device of the layout, coloured by score (green ≥ 80, amber ≥ 50,
// red below, grey before the first score), largest problems readable from across the room.

import { useSyncExternalStore } from 'react';
import { healthTone, type HealthStore } from '../data/health-store.js';

export function HealthTiles(props: { store: HealthStore; linkToDevices: boolean }) {
  const devices = useSyncExternalStore(props.store.subscribe, props.store.getAll);
  if (devices.length === 0) return null;
  return (
    <section className="tiles" aria-label="device health">
      {devices.map((d) => {
        const tone = healthTone(d.score);
        const body = (
          <>
            <span className="tile-name">{d.deviceId}</span>
            <span className="tile-score">{d.score === null ? '—' : Math.round(d.score)}</span>
          </>
        );
        return props.linkToDevices ? (
          <a key={d.deviceId} className={`tile tile-${tone}`} data-device={d.deviceId} data-score={d.score ?? ''} href={`#/devices/${encodeURIComponent(d.deviceId)}`}>
            {body}
          </a>
        ) : (
          <div key={d.deviceId} className={`tile tile-${tone}`} data-device={d.deviceId} data-score={d.score ?? ''}>
            {body}
          </div>
        );
      })}
    </section>
  );
}

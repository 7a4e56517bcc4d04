// Where the weathermap puts each device: a stable automatic layout, sites side by side (columns,
// by name) and roles top to bottom inside a site (core above edge above access…), devices of one
// site and role spread along their row by id. The same inventory always gives the same picture,
// and a device added moves only its own row. An operator may drag a device; the position is kept
// (in the browser's storage) and wins over the automatic one. Coordinates are 0..1 of the map.

export interface PlacedDevice {
  deviceId: string;
  site: string;
  role: string;
}

export type Positions = Map<string, { x: number; y: number }>;

// Upstream first: a wall reads a network from its core down to its edge.
const ROLE_ORDER = ['core', 'backbone', 'spine', 'transport', 'optical', 'edge', 'peering', 'border', 'leaf', 'distribution', 'aggregation', 'access'];

export const LAYOUT_MARGIN = 0.05; // of the map, around everything

function roleRank(role: string): number {
  const i = ROLE_ORDER.indexOf(role.toLowerCase());
  return i === -1 ? ROLE_ORDER.length : i;
}

export function autoLayout(devices: readonly PlacedDevice[]): Positions {
  const sites = [...new Set(devices.map((d) => d.site))].sort();
  const roles = [...new Set(devices.map((d) => d.role))].sort((a, b) => roleRank(a) - roleRank(b) || a.localeCompare(b));
  const cells = new Map<string, string[]>();
  for (const d of devices) {
    const key = `${d.site}\u0000${d.role}`;
    const list = cells.get(key) ?? [];
    list.push(d.deviceId);
    cells.set(key, list);
  }
  const span = 1 - 2 * LAYOUT_MARGIN;
  const colW = span / Math.max(1, sites.length);
  const rowH = span / Math.max(1, roles.length);
  const out: Positions = new Map();
  for (const [s, site] of sites.entries()) {
    for (const [r, role] of roles.entries()) {
      const ids = (cells.get(`${site}\u0000${role}`) ?? []).sort();
      // A crowded cell wraps into lines so devices never sit on top of each other.
      const perLine = Math.max(1, Math.ceil(Math.sqrt(ids.length * 2)));
      const lines = Math.ceil(ids.length / perLine);
      for (const [i, id] of ids.entries()) {
        const col = i % perLine;
        const line = Math.floor(i / perLine);
        const inLine = Math.min(perLine, ids.length - line * perLine);
        out.set(id, {
          x: LAYOUT_MARGIN + s * colW + ((col + 0.5) / inLine) * colW,
          y: LAYOUT_MARGIN + r * rowH + ((line + 0.5) / lines) * rowH,
        });
      }
    }
  }
  return out;
}

export const POSITIONS_KEY = 'oc.map.positions';

/** Operator positions as kept in storage; anything unreadable is ignored (never breaks the map). */
export function readSavedPositions(text: string | null): Positions {
  const out: Positions = new Map();
  if (!text) return out;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    for (const [id, p] of Object.entries(parsed)) {
      const [x, y] = Array.isArray(p) ? p : [];
      if (typeof x === 'number' && typeof y === 'number' && x >= 0 && x <= 1 && y >= 0 && y <= 1) out.set(id, { x, y });
    }
  } catch {
    // a hand-edited or older value: start from the automatic layout
  }
  return out;
}

export function writeSavedPositions(positions: Positions): string {
  return JSON.stringify(Object.fromEntries([...positions].map(([id, p]) => [id, [Number(p.x.toFixed(4)), Number(p.y.toFixed(4))]])));
}

/** The automatic layout with the operator's positions over it. */
export function placeDevices(devices: readonly PlacedDevice[], saved: Positions): Positions {
  const auto = autoLayout(devices);
  for (const [id, p] of saved) if (auto.has(id)) auto.set(id, p);
  return auto;
}

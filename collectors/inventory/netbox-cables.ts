// A NetBox cable (GET /api/dcim/cables/ result, NetBox 3.3+ shape: a_terminations and
// b_terminations, each a list of { object_type, object_id, object }) → a link sighting between
// two device interfaces. Only connected interface-to-interface cables with one termination a
// side are links of the map; the rest (circuit terminations, patch-panel front/rear ports,
// planned or decommissioning cables, breakouts) are skipped with a reason, never guessed at.

import type { LinkSighting } from '../../devices/links.js';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : null);

export type CableResult = { ok: true; sighting: LinkSighting } | { ok: false; cableId: string; reason: string };

function interfaceEnd(terminations: unknown): { deviceId: string; ifName: string } | string {
  if (!Array.isArray(terminations) || terminations.length === 0) return 'has no termination on one side';
  if (terminations.length > 1) return `has ${terminations.length} terminations on one side (a breakout); not drawn as one link`;
  const t = obj(terminations[0]);
  const type = str(t?.object_type) ?? str(t?.termination_type);
  if (type !== 'dcim.interface') return `ends on a ${type ?? 'termination of unknown type'}, not a device interface`;
  const o = obj(t?.object);
  const device = str(obj(o?.device)?.name);
  const ifName = str(o?.name);
  if (!device || !ifName) return 'has an interface termination without a device name or an interface name';
  return { deviceId: device, ifName };
}

export function mapNetboxCable(raw: unknown): CableResult {
  const c = obj(raw);
  const cableId = str(c?.id) ?? '(unknown)';
  const skip = (reason: string): CableResult => ({ ok: false, cableId, reason: `NetBox cable ${cableId} ${reason}` });
  if (!c) return skip('is not an object');
  const status = str(obj(c.status)?.value) ?? str(c.status) ?? 'connected';
  if (status !== 'connected') return skip(`is ${status}, not connected`);
  const a = interfaceEnd(c.a_terminations);
  if (typeof a === 'string') return skip(a);
  const b = interfaceEnd(c.b_terminations);
  if (typeof b === 'string') return skip(b);
  return { ok: true, sighting: { source: 'netbox', a, b, netboxCableId: cableId } };
}

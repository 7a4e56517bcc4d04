// Notification routes: which anomalies go where. Loaded once from YAML; matching is pure.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { OpsError } from '../../common/errors.js';

export interface WebhookTarget { url: string; secret: string }
export interface EmailTarget { smtpHost: string; smtpPort: number; from: string; to: string[] }
export interface RouteMatch { severities?: string[]; sites?: string[]; deviceRoles?: string[]; devices?: string[] }
/** Re-page to another route when an OPEN page stays unacknowledged (and the anomaly open) this long. */
export interface Escalation { afterMs: number; to: string }
export interface Route {
  name: string;
  match: RouteMatch;
  webhook?: WebhookTarget;
  email?: EmailTarget;
  escalation?: Escalation;
  /**
   * Send the CLOSE of an anomaly an operator acknowledged. Off by default: whoever acknowledged it
   * is on it and sees it close in the dashboard, and a resolution page for it only wakes the rest
   * of the rota. A ticketing or chat-ops webhook that closes its own incident on the CLOSE sets it.
   */
  closeAcknowledged: boolean;
}
/** What the inventory tells us about a device (unknown device: both undefined). */
export interface DeviceFacts {
  site?: string;
  role?: string;
  /** Set on a down device's page: how many devices are reachable only through it (parent-down). */
  suppressing?: number;
}

function bad(where: string, what: string): never {
  throw new OpsError('CONFIG_INVALID', `notify routes: ${where} ${what}`);
}

const strList = (v: unknown, where: string): string[] | undefined => {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(where, 'must be a list of strings');
  return v as string[];
};

export function parseRoutes(text: string): Route[] {
  const doc = parseYaml(text) as unknown;
  const list = Array.isArray(doc) ? doc : (doc as { routes?: unknown })?.routes;
  if (!Array.isArray(list)) bad('file', 'must be a list of routes (or a mapping with "routes:")');
  const routes = list.map((r: Record<string, unknown>, i: number) => {
    const where = `route ${i}${typeof r?.name === 'string' ? ` (${r.name})` : ''}`;
    if (typeof r?.name !== 'string' || !r.name) bad(where, 'needs a name');
    const m = (r.match ?? {}) as Record<string, unknown>;
    const match: RouteMatch = {
      severities: strList(m.severities, `${where} match.severities`)?.map((s) => s.toUpperCase()),
      sites: strList(m.sites, `${where} match.sites`),
      deviceRoles: strList(m.deviceRoles, `${where} match.deviceRoles`),
      devices: strList(m.devices, `${where} match.devices`),
    };
    if (r.closeAcknowledged !== undefined && typeof r.closeAcknowledged !== 'boolean') bad(where, 'closeAcknowledged must be true or false');
    const route: Route = { name: r.name, match, closeAcknowledged: r.closeAcknowledged === true };
    if (r.webhook) {
      const w = r.webhook as Record<string, unknown>;
      if (typeof w.url !== 'string' || typeof w.secret !== 'string' || !w.secret) bad(where, 'webhook needs url and secret');
      try { new URL(w.url); } catch { bad(where, `webhook.url is not a URL: ${JSON.stringify(w.url)}`); }
      route.webhook = { url: w.url, secret: w.secret };
    }
    if (r.email) {
      const e = r.email as Record<string, unknown>;
      const to = strList(e.to, `${where} email.to`);
      if (typeof e.smtpHost !== 'string' || typeof e.from !== 'string' || !to?.length) bad(where, 'email needs smtpHost, from and to');
      route.email = { smtpHost: e.smtpHost, smtpPort: Number(e.smtpPort ?? 25), from: e.from, to };
    }
    if (!route.webhook && !route.email) bad(where, 'needs a webhook or an email target');
    if (r.escalation !== undefined && r.escalation !== null) {
      const e = r.escalation as Record<string, unknown>;
      const minutes = e.afterMinutes;
      if (typeof minutes !== 'number' || !(minutes > 0) || minutes > 7 * 24 * 60) bad(where, 'escalation.afterMinutes must be a number of minutes above 0 (at most a week)');
      if (typeof e.to !== 'string' || !e.to) bad(where, 'escalation.to must name the route to re-page');
      route.escalation = { afterMs: Math.round(minutes * 60_000), to: e.to };
    }
    return route;
  });
  const names = new Set(routes.map((r) => r.name));
  for (const r of routes) {
    if (!r.escalation) continue;
    if (!names.has(r.escalation.to)) bad(`route ${r.name}`, `escalation.to names ${JSON.stringify(r.escalation.to)}, which is not a route (routes: ${[...names].join(', ')})`);
    if (r.escalation.to === r.name) bad(`route ${r.name}`, 'escalation.to must name another route');
  }
  return routes;
}

export function loadRoutes(file: string): Route[] {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (err) { bad(`file ${file}`, `cannot be read: ${(err as Error).message}`); }
  return parseRoutes(text);
}

/** An absent criterion matches everything; a present one must contain the value. */
export function routeMatches(route: Route, ev: { severity: string; deviceId: string }, device: DeviceFacts): boolean {
  const m = route.match;
  const has = (list: string[] | undefined, v: string | undefined) => !list || (v !== undefined && list.includes(v));
  return has(m.severities, ev.severity) && has(m.devices, ev.deviceId) && has(m.sites, device.site) && has(m.deviceRoles, device.role);
}

// A NetBox device (GET /api/dcim/devices/ result, or a webhook's `data`) → our Device record.
// Differences between NetBox releases handled here: `role` (4.x) vs `device_role` (≤ 3.5), and
// nested objects carrying `slug`/`name`. The management address is primary_ip4 (or primary_ip6)
// with its prefix length stripped. SNMP polling comes from custom fields (names configurable):
//   snmp_credential (name in the credential store; required to be polled over SNMP; a secret
//                    written there, "community:<value>", is refused: INVENTORY_SECRET_LITERAL)
//   snmp_version ("v2c" | "v3", default v2c), snmp_port (161), snmp_profiles (list or comma text)
//   snmp_context, snmp_timeout_ms, snmp_retries
// and tags "snmp-profile-<name>" add profiles. A device without snmp_credential is inventoried
// with snmp = null (not polled over SNMP).

import { isIP } from 'node:net';
import type { Device } from '../../schemas/types.js';
import { credentialRefProblem, inventorySecretProblem } from '../../credentials/credential-refs.js';
import type { ErrorCode } from '../../common/errors.js';

export interface NetboxMappingOptions {
  defaultProfiles: string[];
  knownCredential?: (name: string) => boolean; // unknown names are an entry error when given
  profileTagPrefix: string;
}

export const NETBOX_MAPPING_DEFAULTS: NetboxMappingOptions = {
  defaultProfiles: ['system', 'interfaces'],
  profileTagPrefix: 'snmp-profile-',
};

export type MapResult = { ok: true; device: Device } | { ok: false; code: ErrorCode; deviceId: string; message: string };

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : null);

/** slug, else name, else value (status is { value, label }), else a plain string. */
function label(v: unknown): string | null {
  const o = obj(v);
  if (!o) return str(v);
  return str(o.slug) ?? str(o.value) ?? str(o.name);
}

export function stripPrefixLength(address: string): string {
  const slash = address.indexOf('/');
  return slash === -1 ? address : address.slice(0, slash);
}

export function netboxDeviceId(nb: Json): string {
  return str(nb.name) ?? `netbox-${String(nb.id)}`;
}

function profilesOf(field: unknown): string[] | null {
  if (Array.isArray(field)) return field.map(String).filter(Boolean);
  const s = str(field);
  return s ? s.split(',').map((p) => p.trim()).filter(Boolean) : null;
}

export function mapNetboxDevice(raw: unknown, opts: NetboxMappingOptions = NETBOX_MAPPING_DEFAULTS, now = Date.now()): MapResult {
  const nb = obj(raw);
  if (!nb || (nb.id === undefined && !nb.name)) return { ok: false, code: 'NETBOX_BAD_ENTRY', deviceId: '(unknown)', message: 'NetBox device entry is not an object with an id or a name' };
  const deviceId = netboxDeviceId(nb);
  const fail = (code: ErrorCode, message: string): MapResult => ({ ok: false, code, deviceId, message: `NetBox device ${deviceId} (id ${String(nb.id)}): ${message}` });
  const ip = obj(nb.primary_ip4) ?? obj(nb.primary_ip6) ?? obj(nb.primary_ip);
  const rawAddress = str(ip?.address);
  if (!rawAddress) return fail('INVENTORY_NO_ADDRESS', 'has no primary IP address');
  const address = stripPrefixLength(rawAddress);
  if (isIP(address) === 0) return fail('INVENTORY_BAD_ADDRESS', `primary IP "${rawAddress}" is not an IP address`);

  const cf = obj(nb.custom_fields) ?? {};
  const tags = Array.isArray(nb.tags) ? nb.tags.map((t) => label(t)).filter((t): t is string => t !== null) : [];
  let snmp: Device['snmp'] = null;
  const credential = str(cf.snmp_credential);
  if (credential) {
    const version = str(cf.snmp_version) ?? 'v2c';
    if (version !== 'v2c' && version !== 'v3') return fail('INVENTORY_BAD_FIELD', `custom field snmp_version must be v2c or v3, got "${version}"`);
    const port = cf.snmp_port == null ? 161 : Number(cf.snmp_port);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) return fail('INVENTORY_BAD_FIELD', `custom field snmp_port must be 1-65535`);
    const refused = credentialRefProblem('custom field snmp_credential', credential);
    if (refused) return fail(refused.code, refused.message);
    if (opts.knownCredential && !opts.knownCredential(credential))
      return fail('CREDENTIAL_UNKNOWN', `custom field snmp_credential names "${credential}", which is not in the credential store`);
    const tagged = tags.filter((t) => t.startsWith(opts.profileTagPrefix)).map((t) => t.slice(opts.profileTagPrefix.length));
    const profiles = [...new Set([...(profilesOf(cf.snmp_profiles) ?? opts.defaultProfiles), ...tagged])];
    const int = (v: unknown) => (v == null || v === '' ? null : Number.isInteger(Number(v)) ? Number(v) : NaN);
    const timeoutMs = int(cf.snmp_timeout_ms);
    const retries = int(cf.snmp_retries);
    if (Number.isNaN(timeoutMs) || Number.isNaN(retries)) return fail('INVENTORY_BAD_FIELD', 'custom fields snmp_timeout_ms / snmp_retries must be integers');
    snmp = { version, port, credential, profiles, timeoutMs, retries, context: str(cf.snmp_context) };
  }
  const labels: Record<string, string> = {};
  const tenant = label(nb.tenant);
  if (tenant) labels.tenant = tenant;
  const region = label(obj(nb.site)?.region);
  if (region) labels.region = region;
  labels.netbox_id = String(nb.id);
  const platform = obj(nb.platform);
  const secret = inventorySecretProblem({ labels });
  if (secret) return fail(secret.code, secret.message);
  const lastUpdated = Date.parse(str(nb.last_updated) ?? '');
  return {
    ok: true,
    device: {
      deviceId,
      hostname: str(nb.name) ?? deviceId,
      address,
      site: label(nb.site) ?? 'unknown',
      role: label(nb.role) ?? label(nb.device_role) ?? 'unknown',
      platform: label(platform) ?? 'unknown',
      vendor: label(platform?.manufacturer) ?? label(obj(nb.device_type)?.manufacturer) ?? 'unknown',
      status: label(nb.status) ?? 'active',
      tags,
      labels,
      snmp,
      updatedAt: Number.isFinite(lastUpdated) ? lastUpdated : now,
    },
  };
}

/** True when two Device records say the same thing (updatedAt aside): nothing to publish. */
export function sameDevice(a: Device, b: Device): boolean {
  const norm = (d: Device) =>
    JSON.stringify({ ...d, updatedAt: 0, tags: [...d.tags].sort(), labels: Object.fromEntries(Object.entries(d.labels).sort()), snmp: d.snmp ? { ...d.snmp, timeoutMs: d.snmp.timeoutMs ?? null, retries: d.snmp.retries ?? null, context: d.snmp.context ?? null } : null });
  return norm(a) === norm(b);
}

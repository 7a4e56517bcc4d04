// The YAML inventory (the default source for local runs): a list of devices, validated into the
// Device records published on inventory.devices. A bad entry is reported with its position, a
// code and the field, and skipped; the rest of the inventory still loads. SSH port names are
// checked here too (the collector refuses them again): they end up inside device command lines.
// So are secrets: a record names its credentials, the store holds them
// (credentials/credential-refs.ts); an entry carrying a password, community or key in clear is
// refused with INVENTORY_SECRET_LITERAL and never published.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parse } from 'yaml';
import type { Device } from '../../schemas/types.js';
import { inventorySecretProblem } from '../../credentials/credential-refs.js';
import { sshPortsOf } from '../ssh/target.js';
import type { ErrorCode } from '../../common/errors.js';

export interface InventoryProblem {
  entry: number;
  deviceId?: string;
  code: ErrorCode; // INVENTORY_BAD_FIELD, INVENTORY_BAD_ADDRESS, INVENTORY_DUPLICATE, INVENTORY_BAD_INTERFACE, INVENTORY_SECRET_LITERAL…
  message: string;
}

const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);

export function parseInventory(text: string, now = Date.now()): { devices: Device[]; problems: InventoryProblem[] } {
  const doc = parse(text) as { devices?: unknown } | unknown[] | null;
  const list = Array.isArray(doc) ? doc : (doc)?.devices;
  if (!Array.isArray(list)) throw new Error('inventory must be a list of devices or a mapping with a "devices" list');
  const devices: Device[] = [];
  const problems: InventoryProblem[] = [];
  const seen = new Set<string>();
  list.forEach((raw, entry) => {
    const e = (raw ?? {}) as Record<string, unknown>;
    const deviceId = str(e.deviceId ?? e.id);
    const problem = (message: string, code: ErrorCode = 'INVENTORY_BAD_FIELD') => problems.push({ entry, deviceId: deviceId || undefined, code, message });
    if (!deviceId) return problem('deviceId is missing');
    if (seen.has(deviceId)) return problem(`deviceId ${deviceId} appears twice`, 'INVENTORY_DUPLICATE');
    const address = str(e.address);
    if (isIP(address) === 0) return problem(`address "${address}" of ${deviceId} is not an IPv4 or IPv6 literal`, 'INVENTORY_BAD_ADDRESS');
    const s = e.snmp as Record<string, unknown> | undefined;
    let snmp: Device['snmp'] = null;
    if (s) {
      const version = str(s.version, 'v2c');
      if (version !== 'v2c' && version !== 'v3') return problem(`snmp.version of ${deviceId} must be v2c or v3, got ${version}`);
      const port = Number(s.port ?? 161);
      if (!Number.isInteger(port) || port < 1 || port > 65_535) return problem(`snmp.port of ${deviceId} must be 1-65535`);
      if (!str(s.credential)) return problem(`snmp.credential of ${deviceId} is missing`);
      // None listed: the collector chooses (system, interfaces, and those whose match fits the device).
      const profiles = Array.isArray(s.profiles) ? s.profiles.map(String) : [];
      const optionalInt = (key: string, min: number, max: number): number | null | undefined => {
        if (s[key] === undefined || s[key] === null) return null;
        const n = Number(s[key]);
        return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
      };
      const timeoutMs = optionalInt('timeoutMs', 100, 60_000);
      const retries = optionalInt('retries', 0, 10);
      if (timeoutMs === undefined) return problem(`snmp.timeoutMs of ${deviceId} must be an integer from 100 to 60000 (ms)`);
      if (retries === undefined) return problem(`snmp.retries of ${deviceId} must be an integer from 0 to 10`);
      const context = s.context === undefined || s.context === null ? null : String(s.context);
      snmp = { version, port, credential: str(s.credential), profiles, timeoutMs, retries, context };
    }
    const device = {
      deviceId,
      hostname: str(e.hostname, deviceId),
      address,
      site: str(e.site, 'unknown'),
      role: str(e.role, 'unknown'),
      platform: str(e.platform, 'unknown'),
      vendor: str(e.vendor, 'unknown'),
      status: str(e.status, 'active'),
      tags: Array.isArray(e.tags) ? e.tags.map(String) : [],
      labels: Object.fromEntries(Object.entries((e.labels ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
      snmp,
      updatedAt: now,
    };
    const secret = inventorySecretProblem(device);
    if (secret) return problem(`device ${deviceId}: ${secret.message}`, secret.code);
    const sshPorts = sshPortsOf(device);
    if (!sshPorts.ok) return problem(sshPorts.message, sshPorts.code);
    seen.add(deviceId);
    devices.push(device);
  });
  return { devices, problems };
}

export function readInventoryFile(path: string) {
  return parseInventory(readFileSync(path, 'utf8'));
}

// Inventory changes made through the API. The inventory is event-sourced: a change is a record
// on inventory.devices (compacted, keyed by deviceId; a tombstone deletes), from which the sink
// builds the devices table and collectors pick up their devices. The API never writes the table.

import type { Device, SnmpAccess } from '../../schemas/types.js';
import { inventorySecretProblem } from '../../credentials/credential-refs.js';
import type { Streams } from '../../streams/index.js';
import type { DeviceRow } from '../devices/devices-query.js';
import { ApiError } from '../errors.js';
import type { DeviceInput } from '../graphql/schema-types.js';

export interface InventoryPublisher {
  /** device null: a tombstone. Resolves once Kafka acknowledged the record. */
  publish(deviceId: string, device: Device | null): Promise<void>;
}

export function kafkaInventoryPublisher(streams: Pick<Streams, 'producer' | 'topics'>): InventoryPublisher {
  return {
    async publish(deviceId, device) {
      if (device === null) await streams.producer.sendRaw(streams.topics.inventory, [{ key: deviceId, value: null, timestamp: Date.now() }]);
      else await streams.producer.send(streams.topics.inventory, [{ key: deviceId, value: device, timestamp: device.updatedAt }]);
    },
  };
}

const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

function text(name: string, value: string | undefined | null, max = 256): string {
  const v = (value ?? '').trim();
  if (v.length === 0 || v.length > max) throw new ApiError('BAD_USER_INPUT', `${name} must have 1 to ${max} characters`);
  return v;
}

export function deviceFromInput(input: DeviceInput, nowMs: number = Date.now()): Device {
  if (!DEVICE_ID.test(input.id)) throw new ApiError('BAD_USER_INPUT', 'id must be 1 to 128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit');
  const labels: Record<string, string> = {};
  if (input.labels !== undefined && input.labels !== null) {
    if (typeof input.labels !== 'object' || Array.isArray(input.labels)) throw new ApiError('BAD_USER_INPUT', 'labels must be an object of strings');
    for (const [k, v] of Object.entries(input.labels as Record<string, unknown>)) {
      if (typeof v !== 'string') throw new ApiError('BAD_USER_INPUT', `label ${k.slice(0, 40)} must be a string`);
      labels[k] = v;
    }
  }
  let snmp: SnmpAccess | null = null;
  if (input.snmp) {
    const s = input.snmp;
    if (s.version !== 'v2c' && s.version !== 'v3') throw new ApiError('BAD_USER_INPUT', `snmp.version must be v2c or v3, got ${String(s.version).slice(0, 10)}`);
    const port = s.port ?? 161;
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new ApiError('BAD_USER_INPUT', `snmp.port must be 1 to 65535, got ${port}`);
    if (s.profiles.length === 0) throw new ApiError('BAD_USER_INPUT', 'snmp.profiles must name at least one profile');
    snmp = { version: s.version, port, credential: text('snmp.credential', s.credential), profiles: s.profiles, timeoutMs: s.timeoutMs ?? null, retries: s.retries ?? null, context: s.context ?? null };
  }
  // Records travel in clear (topic, devices table, every reader): they name credentials, setCredential stores them.
  const secret = inventorySecretProblem({ labels, snmp });
  if (secret) throw new ApiError('BAD_USER_INPUT', `${secret.message.replace(/ \(`credentials import-labels`[^)]*\)/, '')}; store it with setCredential`, { reason: secret.code });
  return {
    deviceId: input.id,
    hostname: text('hostname', input.hostname),
    address: text('address', input.address),
    site: text('site', input.site),
    role: text('role', input.role),
    platform: text('platform', input.platform),
    vendor: text('vendor', input.vendor),
    status: text('status', input.status ?? 'active', 64),
    tags: input.tags ?? [],
    labels,
    snmp,
    updatedAt: nowMs,
  };
}

/** The GraphQL Device of a record just published (the table follows when the sink applies it). */
export function deviceRowOf(d: Device): DeviceRow {
  return {
    id: d.deviceId,
    hostname: d.hostname,
    address: d.address,
    site: d.site,
    role: d.role,
    platform: d.platform,
    vendor: d.vendor,
    status: d.status,
    tags: d.tags,
    labels: d.labels,
    snmp: d.snmp,
    updatedAt: d.updatedAt,
    deleted: false,
  };
}

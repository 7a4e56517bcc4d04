// Devices as the sink builds them from inventory.devices, with what a device page shows.

import { API_DEFAULTS } from '../../defaults.js';

const { lists, paging } = API_DEFAULTS;

export const devicesSdl = /* GraphQL */ `
  type Device {
    "the inventory's deviceId"
    id: ID!
    hostname: String!
    address: String!
    site: String!
    role: String!
    platform: String!
    vendor: String!
    "active | maintenance | decommissioned ... (the inventory's word)"
    status: String!
    tags: [String!]!
    "the inventory's labels; a credential reference (ssh.credential) shows its name only, a value that is or may be a secret shows (redacted)"
    labels: JSON!
    "SNMP access as the inventory holds it: version, port, credential NAME, profiles (never a secret)"
    snmp: JSON @requires(role: admin)
    updatedAt: Float!
    "true once the inventory deleted the device (only listed with includeDeleted)"
    deleted: Boolean!
    "interfaces seen in the device's series (label ifName), ordered by name, each with its series; the first limit"
    interfaces(limit: Int = ${lists.deviceInterfaces.default}): [Interface!]! @list(max: ${lists.deviceInterfaces.max})
    "the device's series ordered by key, the first limit (more: Query.series(deviceId, after))"
    series(metric: String, limit: Int = ${lists.deviceSeries.default}): [Series!]! @list(max: ${lists.deviceSeries.max})
    "latest health score, null before the first one"
    health: HealthScore
    "open anomalies, newest first, the first limit"
    openAnomalies(limit: Int = ${lists.deviceOpenAnomalies.default}): [Anomaly!]! @list(max: ${lists.deviceOpenAnomalies.max})
    "latest value of the device's series (ordered by key, the first limit), from the Redis cache the sink keeps"
    lastValues(limit: Int = ${lists.deviceLastValues.default}): [LastValue!]! @list(max: ${lists.deviceLastValues.max})
  }

  type Interface {
    name: String!
    "the interface's series ordered by key, the first limit"
    series(limit: Int = ${lists.interfaceSeries.default}): [Series!]! @list(max: ${lists.interfaceSeries.max})
  }

  type LastValue {
    seriesKey: String!
    ts: Float!
    value: Float!
  }

  "All given fields must match; text matches id, hostname or address (case-insensitive substring)."
  input DeviceFilter {
    site: String
    role: String
    platform: String
    status: String
    text: String
    includeDeleted: Boolean = false
  }

  type DeviceConnection {
    nodes: [Device!]! @list(max: ${paging.maxFirst})
    pageInfo: PageInfo!
    totalCount: Int!
  }

  extend type Query {
    "Devices ordered by id; first at most ${paging.maxFirst}."
    devices(filter: DeviceFilter, first: Int = ${paging.defaultFirst}, after: String): DeviceConnection! @list(max: ${paging.maxFirst})
    device(id: ID!): Device
  }
`;

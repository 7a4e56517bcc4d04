// Devices as the sink builds them from inventory.devices, with what a device page shows.

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
    "interfaces seen in the device's series (label ifName), each with its series"
    interfaces: [Interface!]!
    series(metric: String): [Series!]!
    "latest health score, null before the first one"
    health: HealthScore
    openAnomalies: [Anomaly!]!
    "latest value of every series of the device, from the Redis cache the sink keeps"
    lastValues: [LastValue!]!
  }

  type Interface {
    name: String!
    series: [Series!]!
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
    nodes: [Device!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  extend type Query {
    "Devices ordered by id; first at most 500."
    devices(filter: DeviceFilter, first: Int = 50, after: String): DeviceConnection!
    device(id: ID!): Device
  }
`;

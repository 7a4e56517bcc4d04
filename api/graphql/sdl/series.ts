// The series catalogue.

export const seriesSdl = /* GraphQL */ `
  type Series {
    id: ID!
    "deviceId/metric{label=value,...}, unique"
    key: String!
    deviceId: String!
    metric: String!
    labels: JSON
    unit: String!
    device: Device
  }

  extend type Query {
    "Series whose key contains search (case-insensitive), optionally of one device and/or metric, ordered by key (limit at most 1000)."
    series(search: String, deviceId: String, metric: String, limit: Int = 50): [Series!]!
  }
`;

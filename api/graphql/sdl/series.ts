// The series catalogue.

import { API_DEFAULTS } from '../../defaults.js';

const { series } = API_DEFAULTS;

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
    """
    Series whose key contains search (case-insensitive), optionally of one device and/or metric,
    ordered by key, the first limit (at most ${series.maxLimit}) after the series key given as after (the key of
    the last series of the previous page).
    """
    series(search: String, deviceId: String, metric: String, limit: Int = ${series.defaultLimit}, after: String): [Series!]! @list(max: ${series.maxLimit})
  }
`;

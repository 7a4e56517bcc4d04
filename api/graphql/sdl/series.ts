// The series catalogue.

import { API_DEFAULTS } from '../../defaults.js';

const { series } = API_DEFAULTS;
const { top } = series;

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

  "A series with its average over the ranking window."
  type RankedSeries {
    series: Series!
    value: Float!
  }

  enum RankOrder {
    HIGHEST
    LOWEST
  }

  extend type Query {
    """
    Series whose key contains search (case-insensitive), optionally of one device and/or metric,
    ordered by key, the first limit (at most ${series.maxLimit}) after the series key given as after (the key of
    the last series of the previous page).
    """
    series(search: String, deviceId: String, metric: String, limit: Int = ${series.defaultLimit}, after: String): [Series!]! @list(max: ${series.maxLimit})
    """
    Series whose key contains any of the search terms (at most ${top.maxTerms}), optionally of the given
    devices, ranked by their average over the last windowMinutes (at most ${top.maxWindowMinutes}):
    HIGHEST first (busiest links) or LOWEST first (optics at risk). Series without a reading in
    the window are not ranked.
    """
    topSeries(search: [String!]!, order: RankOrder = HIGHEST, windowMinutes: Int = ${top.defaultWindowMinutes}, limit: Int = ${top.defaultLimit}, deviceIds: [String!]): [RankedSeries!]! @list(max: ${top.maxLimit})
  }
`;

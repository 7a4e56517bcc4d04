// The metric families analysts know, from the analyst views (storage/ddl-state.ts).

import { FAMILY_MAX_SERIES } from '../../families/family-query.js';

export const familiesSdl = /* GraphQL */ `
  enum MetricFamily {
    "view optical_power: optical_rx_dbm, optical_tx_dbm, any dBm series; item = port"
    OPTICAL_POWER
    "view interface_traffic: if_in/out_bps, if_in/out_pps, if_speed_bps; item = ifName"
    INTERFACE_TRAFFIC
    "view interface_errors: if_in/out_errors_ps, if_in/out_discards_ps; item = ifName"
    INTERFACE_ERRORS
    "view path_latency_loss: path_rtt_ms_avg/min/max, path_jitter_ms, path_loss_ratio; item = target"
    PATH_LATENCY_LOSS
    "view availability: device_up, if_oper_up, device_reachable; item = ifName or target"
    AVAILABILITY
  }

  type FamilySeries {
    series: Series!
    deviceId: String!
    metric: String!
    unit: String!
    "port, interface or target the series is about"
    item: String
    "optical lane, when the series has one"
    lane: String
    "optical direction (rx/tx), when the series has one"
    direction: String
    readings: SeriesColumns!
  }

  type FamilyResult {
    family: MetricFamily!
    series: [FamilySeries!]! @list(max: ${FAMILY_MAX_SERIES})
  }

  extend type Query {
    """
    The series of a family that have points in [from, to] (optionally of some devices and
    metrics), ordered by series key, at most limit (cap ${FAMILY_MAX_SERIES}) series, each with its readings
    (same tiers and budget as readings).
    """
    family(family: MetricFamily!, from: Float!, to: Float!, deviceIds: [ID!], metrics: [String!], maxPoints: Int = 500, limit: Int = 50): FamilyResult! @requires(role: analyst) @list(max: ${FAMILY_MAX_SERIES})
  }
`;

// Anomalies: one row per anomaly id (OPEN / UPDATE / CLOSE merged by the sink), with the
// operators' acknowledgement and notes (tables of the API, storage/ddl-api.ts).

import { API_DEFAULTS } from '../../defaults.js';

const { lists, paging } = API_DEFAULTS;

export const anomaliesSdl = /* GraphQL */ `
  enum AnomalyState {
    OPEN
    UPDATE
    CLOSE
  }

  "Ordered INFO < WARNING < MINOR < MAJOR < CRITICAL."
  enum Severity {
    INFO
    WARNING
    MINOR
    MAJOR
    CRITICAL
  }

  type Anomaly {
    id: ID!
    state: AnomalyState!
    "state is OPEN or UPDATE"
    isOpen: Boolean!
    seriesKey: String!
    series: Series
    deviceId: String!
    device: Device
    metric: String!
    labels: JSON!
    startedAt: Float!
    updatedAt: Float!
    endedAt: Float
    severity: Severity!
    peakSeverity: Severity!
    score: Float!
    peakScore: Float!
    observed: Float!
    expected: Float!
    lower: Float!
    upper: Float!
    detector: String!
    reason: String!
    "events merged into this anomaly; null in a subscription EVENT (the detector's event alone)"
    events: Int
    acknowledgement: Acknowledgement
    "notes, oldest first, the first limit"
    annotations(limit: Int = ${lists.annotations.default}): [Annotation!]! @list(max: ${lists.annotations.max})
  }

  type Acknowledgement {
    by: String!
    at: Float!
    note: String
  }

  type Annotation {
    id: ID!
    anomalyId: ID!
    by: String!
    at: Float!
    text: String!
  }

  """
  Every given field must match. from/to select anomalies active at some time in [from, to]
  (started before to, not ended before from). open: true = OPEN or UPDATE, false = CLOSE.
  """
  input AnomalyFilter {
    states: [AnomalyState!]
    open: Boolean
    severities: [Severity!]
    "peak severity at least this"
    minSeverity: Severity
    deviceIds: [String!]
    seriesKeys: [String!]
    metric: String
    from: Float
    to: Float
    acknowledged: Boolean
  }

  type AnomalyConnection {
    "newest first (startedAt, then id, descending)"
    nodes: [Anomaly!]! @list(max: ${paging.maxFirst})
    pageInfo: PageInfo!
    totalCount: Int!
  }

  extend type Query {
    "Anomalies, newest first; first at most ${paging.maxFirst}."
    anomalies(filter: AnomalyFilter, first: Int = ${paging.defaultFirst}, after: String): AnomalyConnection! @list(max: ${paging.maxFirst})
    anomaly(id: ID!): Anomaly
  }

  type Mutation {
    "Marks the anomaly acknowledged (again: replaces the note). Subscribers of every replica get an ACKNOWLEDGED update."
    acknowledgeAnomaly(id: ID!, note: String): Anomaly! @requires(role: operator)
    "Adds a note (at most 4000 characters). Subscribers of every replica get an ANNOTATED update."
    annotateAnomaly(id: ID!, text: String!): Annotation! @requires(role: operator)
  }
`;

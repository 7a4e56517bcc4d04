// Subscriptions over graphql-ws (connection_init payload: { token } or { apiKey }).

export const liveSdl = /* GraphQL */ `
  type LivePoint {
    seriesId: ID!
    seriesKey: String!
    "ms since epoch (event time)"
    ts: Float!
    value: Float!
    "true for the latest values read from the cache when the subscription starts, false for the stream"
    snapshot: Boolean!
  }

  enum AnomalyUpdateKind {
    "an OPEN / UPDATE / CLOSE event from the detector"
    EVENT
    ACKNOWLEDGED
    ANNOTATED
  }

  type AnomalyUpdate {
    kind: AnomalyUpdateKind!
    anomaly: Anomaly!
    "the new note, for ANNOTATED"
    annotation: Annotation
  }

  "Every given field must match."
  input AnomalySubscriptionFilter {
    deviceIds: [String!]
    severities: [Severity!]
    minSeverity: Severity
    states: [AnomalyState!]
  }

  type Subscription {
    "Points of the given series as they arrive (about one a second per series); with snapshot, the cached latest value of each first."
    live(seriesIds: [ID!]!, snapshot: Boolean = true): LivePoint!
    "Anomaly events and acknowledgements/notes made on any replica."
    anomalies(filter: AnomalySubscriptionFilter): AnomalyUpdate!
    "Health scores of the given devices as they are computed; with snapshot, the cached latest first."
    health(deviceIds: [ID!]!, snapshot: Boolean = true): HealthScore!
  }
`;

// Baselines: expected value and band per series (telemetry.baselines, latest per series).

export const baselinesSdl = /* GraphQL */ `
  type Baseline {
    seriesId: ID
    seriesKey: String!
    deviceId: String!
    metric: String!
    "event time the baseline was computed at"
    ts: Float!
    expected: Float!
    spread: Float!
    lower: Float!
    upper: Float!
    seasonal: Boolean!
    sampleCount: Int!
  }

  """
  A series' band over a range as columns, ready to draw under its readings. The store keeps the
  current baseline per series (a compacted topic), so the band is that baseline at from and to;
  empty columns when the series has no baseline yet.
  """
  type BaselineBand {
    seriesId: ID!
    baseline: Baseline
    timestamps: [Float!]!
    expected: [Float!]!
    lower: [Float!]!
    upper: [Float!]!
  }

  extend type Query {
    baselines(seriesIds: [ID!]!, from: Float!, to: Float!): [BaselineBand!]!
  }
`;

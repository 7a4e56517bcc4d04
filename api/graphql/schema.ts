// The GraphQL schema of the thin slice. Times are ms since epoch as Float (a JS number holds
// them exactly); series come back as columns so a chart hands them to uPlot without reshaping.

import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';

export const typeDefs = /* GraphQL */ `
  "Any JSON value (here: a series' labels, an object of strings)."
  scalar JSON

  type Series {
    id: ID!
    "deviceId/metric{label=value,...}, unique"
    key: String!
    deviceId: String!
    metric: String!
    labels: JSON
    unit: String!
  }

  "One series' readings as columns. Raw when the range holds at most maxPoints rows, otherwise fixed-width buckets (values = average) with min and max."
  type SeriesColumns {
    seriesId: ID!
    "ms since epoch; a bucket's start when downsampled"
    timestamps: [Float!]!
    values: [Float]!
    min: [Float]
    max: [Float]
    "bucket width in ms, null when the points are raw"
    bucketMs: Float
  }

  type LivePoint {
    seriesId: ID!
    seriesKey: String!
    "ms since epoch (event time)"
    ts: Float!
    value: Float!
  }

  type Query {
    "Series whose key contains search (case-insensitive), ordered by key."
    series(search: String, limit: Int = 50): [Series!]!
    "Readings with from <= ts <= to (ms since epoch), at most maxPoints per series (cap 10000)."
    readings(seriesIds: [ID!]!, from: Float!, to: Float!, maxPoints: Int = 1000): [SeriesColumns!]!
  }

  type Subscription {
    "Points of the given series as they arrive (throttled upstream to about one a second per series)."
    live(seriesIds: [ID!]!): LivePoint!
  }
`;

export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});

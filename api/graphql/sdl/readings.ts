// Columnar readings from the storage tier that fits the range and the point budget.

export const readingsSdl = /* GraphQL */ `
  """
  One series' readings as columns. tier says what served them: "raw" (metric_points) or a rollup
  ("5m", "1h", "1d"). Raw points come back as they are when the range holds at most maxPoints of
  them; otherwise the values are bucket averages over fixed-width buckets (bucketMs), with min and
  max per bucket, read from the coarsest tier whose width fits in a bucket.
  """
  type SeriesColumns {
    seriesId: ID!
    series: Series
    "raw | 5m | 1h | 1d"
    tier: String!
    "ms since epoch; a bucket's start when downsampled"
    timestamps: [Float!]!
    values: [Float]!
    min: [Float]
    max: [Float]
    "bucket width in ms, null when the points are raw"
    bucketMs: Float
  }

  extend type Query {
    """
    Readings with from <= ts <= to (ms since epoch), at most maxPoints per series (cap 10000), at
    most 100 series, and at most 500000 points per request over all readings-like fields.
    tier forces a tier ("raw", "5m", "1h", "1d") instead of choosing one.
    """
    readings(seriesIds: [ID!]!, from: Float!, to: Float!, maxPoints: Int = 1000, tier: String): [SeriesColumns!]!
  }
`;

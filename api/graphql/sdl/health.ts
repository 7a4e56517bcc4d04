// Device health: the latest score and its history.

import { API_DEFAULTS } from '../../defaults.js';

export const healthSdl = /* GraphQL */ `
  type HealthComponent {
    name: String!
    score: Float!
    weight: Float!
    detail: String
  }

  type HealthScore {
    deviceId: ID!
    ts: Float!
    "0-100"
    score: Float!
    "what the score is made of (a handful)"
    components: [HealthComponent!]! @list(max: ${API_DEFAULTS.lists.healthComponents.max})
  }

  "A device's score over a range as columns; bucket averages with min and max when downsampled."
  type HealthHistory {
    deviceId: ID!
    "raw | bucketed"
    tier: String!
    timestamps: [Float!]!
    scores: [Float!]!
    min: [Float!]
    max: [Float!]
    bucketMs: Float
  }

  extend type Query {
    "Latest score of each device (from the Redis cache, PostgreSQL when the cache has none); at most 500 devices."
    health(deviceIds: [ID!]!): [HealthScore!]!
    "Scores with from <= ts <= to, at most maxPoints per device (cap 10000), at most 100 devices."
    healthHistory(deviceIds: [ID!]!, from: Float!, to: Float!, maxPoints: Int = 1000): [HealthHistory!]!
  }
`;

// Ages that govern storage, in days, shared by both layouts: TimescaleDB turns them into policies,
// native partitions into the sink's own maintenance.
export interface StoragePolicy {
  rawRetentionDays: number;
  rollup5mRetentionDays: number;
  rollup1hRetentionDays: number;
  rollup1dRetentionDays: number;
  healthRetentionDays: number;
  compressAfterDays: number;
  partitionsAheadDays: number;
}

export const STORAGE_POLICY_DEFAULTS: StoragePolicy = {
  rawRetentionDays: 30,
  rollup5mRetentionDays: 90,
  rollup1hRetentionDays: 400,
  rollup1dRetentionDays: 1_830,
  healthRetentionDays: 90,
  compressAfterDays: 7,
  partitionsAheadDays: 3,
};

export type StorageLayout = 'timescaledb' | 'partitioned';

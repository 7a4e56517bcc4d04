// Every GraphQL document the dashboard sends, in one place, with the shapes they return
// (the API's schema: api/SCHEMA.md, from api/graphql/sdl/).

import type { Anomaly, ParentDown, Silenced } from '../data/anomaly-store.js';

export interface SeriesInfo {
  id: string;
  key: string;
  deviceId: string;
  metric: string;
  labels: Record<string, string> | null;
  unit: string;
}

export interface SeriesColumns {
  seriesId: string;
  tier?: string;
  timestamps: number[];
  values: Array<number | null>;
  min?: Array<number | null> | null;
  max?: Array<number | null> | null;
  bucketMs?: number | null;
}

export interface BaselineBandColumns {
  seriesId: string;
  baseline: { expected: number; lower: number; upper: number; ts: number } | null;
}

export interface DeviceRow {
  id: string;
  hostname: string;
  site: string;
  role: string;
  platform: string;
  status: string;
  health: { score: number; ts: number } | null;
}

export interface HealthScoreRow {
  deviceId: string;
  ts: number;
  score: number;
}

/** An anomaly as the API returns it. */
export interface ApiAnomaly {
  id: string;
  state: 'OPEN' | 'UPDATE' | 'CLOSE';
  seriesKey: string;
  deviceId: string;
  metric: string;
  labels?: Record<string, string> | null;
  startedAt: number;
  updatedAt: number;
  endedAt: number | null;
  severity: string;
  peakSeverity?: string;
  score?: number;
  observed?: number;
  expected?: number;
  lower?: number;
  upper?: number;
  detector?: string;
  reason?: string;
  acknowledgement?: { by: string; at: number; note: string | null } | null;
  silenced?: Silenced | null;
  suppressedBy?: ParentDown | null;
  suppressing?: number;
}

export function toAnomaly(a: ApiAnomaly): Anomaly {
  return {
    anomalyId: a.id,
    state: a.state,
    seriesKey: a.seriesKey,
    deviceId: a.deviceId,
    metric: a.metric,
    labels: a.labels ?? null,
    startedAt: a.startedAt,
    ts: a.updatedAt,
    endedAt: a.endedAt ?? null,
    severity: a.severity,
    score: a.score ?? null,
    observed: a.observed ?? null,
    expected: a.expected ?? null,
    lower: a.lower ?? null,
    upper: a.upper ?? null,
    detector: a.detector ?? null,
    reason: a.reason ?? null,
    acknowledgedAt: a.acknowledgement?.at ?? null,
    acknowledgedBy: a.acknowledgement?.by ?? null,
    silenced: a.silenced,
    suppressedBy: a.suppressedBy,
    suppressing: a.suppressing,
  };
}

export const SERIES_FIELDS = 'id key deviceId metric labels unit';
const ANOMALY_FIELDS = 'id state seriesKey deviceId metric labels startedAt updatedAt endedAt severity peakSeverity score observed expected lower upper detector reason acknowledgement { by at note } silenced { kind id comment endsAt } suppressedBy { deviceId anomalyId } suppressing';

/** One field per search term, aliased t0, t1...: the series a wall layout asks for. */
export function wallSeriesQuery(terms: number): string {
  const fields = Array.from({ length: terms }, (_, i) => `t${i}: series(search: $s${i}, limit: $limit) { ${SERIES_FIELDS} }`);
  const vars = Array.from({ length: terms }, (_, i) => `$s${i}: String`);
  return `query WallSeries(${[...vars, '$limit: Int!'].join(', ')}) { ${fields.join(' ')} }`;
}

/** The top of the catalogue by recent average (busiest links, optics at risk). */
export const TOP_SERIES_QUERY = `
  query TopSeries($search: [String!]!, $order: RankOrder, $limit: Int, $deviceIds: [String!]) {
    topSeries(search: $search, order: $order, limit: $limit, deviceIds: $deviceIds) { value series { ${SERIES_FIELDS} } }
  }`;

export interface RankedSeries {
  value: number;
  series: SeriesInfo;
}

export const DEVICES_QUERY = `
  query Devices($filter: DeviceFilter, $first: Int, $after: String) {
    devices(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { endCursor hasNextPage }
      nodes { id hostname site role platform status health { score ts } }
    }
  }`;

export const READINGS_QUERY = `
  query Readings($ids: [ID!]!, $from: Float!, $to: Float!, $maxPoints: Int!) {
    readings(seriesIds: $ids, from: $from, to: $to, maxPoints: $maxPoints) { seriesId tier bucketMs timestamps values min max }
  }`;

export const BASELINES_QUERY = `
  query Baselines($ids: [ID!]!, $from: Float!, $to: Float!) {
    baselines(seriesIds: $ids, from: $from, to: $to) { seriesId baseline { expected lower upper ts } }
  }`;

export const ANOMALIES_QUERY = `
  query Anomalies($filter: AnomalyFilter, $first: Int, $after: String) {
    anomalies(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { endCursor hasNextPage }
      nodes { ${ANOMALY_FIELDS} }
    }
  }`;

export const HEALTH_QUERY = `
  query Health($ids: [ID!]!) { health(deviceIds: $ids) { deviceId ts score } }`;

export const HEALTH_HISTORY_QUERY = `
  query HealthHistory($ids: [ID!]!, $from: Float!, $to: Float!, $maxPoints: Int) {
    healthHistory(deviceIds: $ids, from: $from, to: $to, maxPoints: $maxPoints) { deviceId tier timestamps scores }
  }`;

export const SERIES_SEARCH_QUERY = `
  query SeriesSearch($search: String, $deviceId: String, $limit: Int) {
    series(search: $search, deviceId: $deviceId, limit: $limit) { ${SERIES_FIELDS} }
  }`;

export const DEVICE_QUERY = `
  query Device($id: ID!) {
    device(id: $id) {
      id hostname address site role platform vendor status tags
      health { score ts components { name score weight detail } }
      interfaces { name series { ${SERIES_FIELDS} } }
      series { ${SERIES_FIELDS} }
      openAnomalies { ${ANOMALY_FIELDS} }
      lastValues { seriesKey ts value }
    }
  }`;

export const ACKNOWLEDGE_MUTATION = `
  mutation Acknowledge($id: ID!, $note: String) {
    acknowledgeAnomaly(id: $id, note: $note) { ${ANOMALY_FIELDS} }
  }`;

export const LIVE_SUBSCRIPTION = `
  subscription Live($ids: [ID!]!) { live(seriesIds: $ids) { seriesId seriesKey ts value } }`;

export const ANOMALIES_SUBSCRIPTION = `
  subscription AnomalyFeed($filter: AnomalySubscriptionFilter) {
    anomalies(filter: $filter) { kind anomaly { ${ANOMALY_FIELDS} } }
  }`;

export const HEALTH_SUBSCRIPTION = `
  subscription HealthFeed($ids: [ID!]!) { health(deviceIds: $ids) { deviceId ts score } }`;

/** A link of the topology (inventory.links), as the map draws it. */
export interface TopologyLinkRow {
  id: string;
  aDeviceId: string;
  aInterface: string;
  bDeviceId: string;
  bInterface: string;
  state: string;
  difference: string | null;
  speedBps: number | null;
}

export const TOPOLOGY_QUERY = `
  query Topology($after: ID, $limit: Int) { topology(after: $after, limit: $limit) { id aDeviceId aInterface bDeviceId bInterface state difference speedBps } }`;

export const TOPOLOGY_SUBSCRIPTION = `
  subscription TopologyFeed { topology { linkId } }`;

export const SERIES_BY_METRIC_QUERY = `
  query SeriesByMetric($metric: String, $limit: Int, $after: String) {
    series(metric: $metric, limit: $limit, after: $after) { id key deviceId metric labels }
  }`;

export interface Connection<T> {
  totalCount: number;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
  nodes: T[];
}

/** The anomaly list: with the series id and unit, for the explorer link and the values. */
export const ANOMALY_LIST_QUERY = `
  query AnomalyList($filter: AnomalyFilter, $first: Int, $after: String) {
    anomalies(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { endCursor hasNextPage }
      nodes { ${ANOMALY_FIELDS} series { id unit } }
    }
  }`;

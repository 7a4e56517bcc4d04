// Every GraphQL document the dashboard sends, in one place, with the shapes they return. The
// shapes are generated from the API's schema (api/graphql/sdl/) and these documents into
// ./operation-types.ts (`npm run graphql-types`); the names below are what the pages use.

import type { Anomaly } from '../data/anomaly-store.js';
import type * as Op from './operation-types.js';

/** A series as every document selects it (SERIES_FIELDS). */
export type SeriesInfo = Op.SeriesInfoFragment;
/** An anomaly as every document selects it (ANOMALY_FIELDS). */
export type ApiAnomaly = Op.ApiAnomalyFragment;
/** A device of the devices list (DEVICES_QUERY). */
export type DeviceRow = Op.DevicesQuery['devices']['nodes'][number];
/** A series' readings as columns (READINGS_QUERY). */
export type SeriesColumns = Op.ReadingsQuery['readings'][number];
/** A link of the topology (inventory.links), as the map draws it. */
export type TopologyLinkRow = Op.TopologyQuery['topology'][number];

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
export const ANOMALY_FIELDS = 'id state seriesKey deviceId metric labels startedAt updatedAt endedAt severity peakSeverity score observed expected lower upper detector reason acknowledgement { by at note } silenced { kind id comment endsAt } suppressedBy { deviceId anomalyId } suppressing';

/** The selections the documents share, typed as fragments of these names (never sent as such). */
export const SELECTIONS = {
  SeriesInfo: { on: 'Series', fields: SERIES_FIELDS },
  ApiAnomaly: { on: 'Anomaly', fields: ANOMALY_FIELDS },
} as const;

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

export const TOPOLOGY_QUERY = `
  query Topology($after: ID, $limit: Int) { topology(after: $after, limit: $limit) { id aDeviceId aInterface bDeviceId bInterface state difference speedBps } }`;

export const TOPOLOGY_SUBSCRIPTION = `
  subscription TopologyFeed { topology { linkId } }`;

export const SERIES_BY_METRIC_QUERY = `
  query SeriesByMetric($metric: String, $limit: Int, $after: String) {
    series(metric: $metric, limit: $limit, after: $after) { id key deviceId metric labels }
  }`;

/** The anomaly list: with the series id and unit, for the explorer link and the values. */
export const ANOMALY_LIST_QUERY = `
  query AnomalyList($filter: AnomalyFilter, $first: Int, $after: String) {
    anomalies(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { endCursor hasNextPage }
      nodes { ${ANOMALY_FIELDS} series { id unit } }
    }
  }`;

/** The explorer's readings: with each series' key and unit. */
export const EXPLORER_READINGS_QUERY = `
  query ExplorerReadings($ids: [ID!]!, $from: Float!, $to: Float!, $maxPoints: Int!) {
    readings(seriesIds: $ids, from: $from, to: $to, maxPoints: $maxPoints) {
      seriesId tier bucketMs timestamps values min max series { ${SERIES_FIELDS} }
    }
  }`;

export const SILENCES_QUERY = 'query Silences { silences { id matchers { field value regex } endsAt comment createdBy } }';
export const CREATE_SILENCE_MUTATION = 'mutation CreateSilence($input: SilenceInput!) { createSilence(input: $input) { id } }';
export const EXPIRE_SILENCE_MUTATION = 'mutation ExpireSilence($id: ID!) { expireSilence(id: $id) { id } }';

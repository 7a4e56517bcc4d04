// The documents the wall uses, and the shapes they return.

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
  timestamps: number[];
  values: Array<number | null>;
}

export interface LivePoint {
  seriesId: string;
  seriesKey: string;
  ts: number;
  value: number;
}

const SERIES_FIELDS = 'id key deviceId metric labels unit';

// Interface traffic first (in and out of the same interface end up side by side), then anything.
export const WALL_SERIES_QUERY = `
  query WallSeries($limit: Int!) {
    trafficIn: series(search: "/if_in_bps", limit: $limit) { ${SERIES_FIELDS} }
    trafficOut: series(search: "/if_out_bps", limit: $limit) { ${SERIES_FIELDS} }
    other: series(limit: $limit) { ${SERIES_FIELDS} }
  }`;

export interface WallSeriesData {
  trafficIn: SeriesInfo[];
  trafficOut: SeriesInfo[];
  other: SeriesInfo[];
}

export const READINGS_QUERY = `
  query WallReadings($ids: [ID!]!, $from: Float!, $to: Float!, $maxPoints: Int!) {
    readings(seriesIds: $ids, from: $from, to: $to, maxPoints: $maxPoints) { seriesId timestamps values }
  }`;

export const LIVE_SUBSCRIPTION = `
  subscription WallLive($ids: [ID!]!) {
    live(seriesIds: $ids) { seriesId seriesKey ts value }
  }`;

/** Up to `count` series for the wall: traffic pairs first, ordered by device and interface. */
export function pickWallSeries(data: WallSeriesData, count: number): SeriesInfo[] {
  const traffic = [...data.trafficIn, ...data.trafficOut].sort((a, b) => {
    const byTarget = (a.key.replace('/if_out_bps', '/if_in_bps')).localeCompare(b.key.replace('/if_out_bps', '/if_in_bps'));
    return byTarget !== 0 ? byTarget : a.metric.localeCompare(b.metric);
  });
  const picked = new Map<string, SeriesInfo>();
  for (const s of [...traffic, ...data.other]) {
    if (picked.size >= count) break;
    picked.set(s.id, s);
  }
  return [...picked.values()];
}

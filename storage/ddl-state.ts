// Tables of the pipeline's state topics (the same in both layouts; health_scores becomes a
// hypertable on TimescaleDB) and the views analysts know, over raw points joined to their series.

export const stateTablesSql = `
  -- inventory.devices (compacted): the latest record per device; a tombstone marks it deleted.
  CREATE TABLE IF NOT EXISTS devices (
    device_id  text PRIMARY KEY,
    hostname   text NOT NULL,
    address    text NOT NULL,
    site       text NOT NULL,
    role       text NOT NULL,
    platform   text NOT NULL,
    vendor     text NOT NULL,
    status     text NOT NULL,
    tags       text[] NOT NULL DEFAULT '{}',
    labels     jsonb NOT NULL DEFAULT '{}'::jsonb,
    snmp       jsonb,
    updated_at timestamptz NOT NULL,
    deleted    boolean NOT NULL DEFAULT false
  );
  CREATE INDEX IF NOT EXISTS devices_site_role ON devices (site, role);

  -- telemetry.baselines (compacted): the current baseline per series.
  CREATE TABLE IF NOT EXISTS baselines (
    series_key   text PRIMARY KEY,
    device_id    text NOT NULL,
    metric       text NOT NULL,
    ts           timestamptz NOT NULL,
    expected     double precision NOT NULL,
    spread       double precision NOT NULL,
    lower        double precision NOT NULL,
    upper        double precision NOT NULL,
    seasonal     boolean NOT NULL,
    sample_count integer NOT NULL
  );
  CREATE INDEX IF NOT EXISTS baselines_device ON baselines (device_id);

  -- telemetry.anomalies: OPEN / UPDATE / CLOSE events merged into one row per anomaly id; the
  -- peak severity and score survive later, milder updates.
  CREATE TABLE IF NOT EXISTS anomaly_events (
    anomaly_id    text PRIMARY KEY,
    state         text NOT NULL CHECK (state IN ('OPEN', 'UPDATE', 'CLOSE')),
    series_key    text NOT NULL,
    device_id     text NOT NULL,
    metric        text NOT NULL,
    labels        jsonb NOT NULL DEFAULT '{}'::jsonb,
    started_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    ended_at      timestamptz,
    severity      text NOT NULL,
    peak_severity text NOT NULL,
    score         double precision NOT NULL,
    peak_score    double precision NOT NULL,
    observed      double precision NOT NULL,
    expected      double precision NOT NULL,
    lower         double precision NOT NULL,
    upper         double precision NOT NULL,
    detector      text NOT NULL,
    reason        text NOT NULL,
    events        integer NOT NULL DEFAULT 1
  );
  CREATE INDEX IF NOT EXISTS anomaly_events_open ON anomaly_events (device_id) WHERE state <> 'CLOSE';
  CREATE INDEX IF NOT EXISTS anomaly_events_started ON anomaly_events (started_at);

  -- telemetry.health: a score per device over time (the topic is compacted; history lives here).
  CREATE TABLE IF NOT EXISTS health_scores (
    device_id  text NOT NULL,
    ts         timestamptz NOT NULL,
    score      double precision NOT NULL,
    components jsonb NOT NULL DEFAULT '[]'::jsonb,
    PRIMARY KEY (device_id, ts)
  );`;

// One row per point, with the series' device and labels spread into columns. The metric names
// are the normalizers' (processors/normalize: snmp, optical-family, icmp).
const pointsOf = (columns: string, where: string) => `
  SELECT p.ts, s.device_id, ${columns}, s.metric, s.unit, p.value, p.series_id
    FROM metric_points p JOIN series s ON s.series_id = p.series_id
   WHERE ${where}`;

export const analystViewsSql = `
  CREATE OR REPLACE VIEW optical_power AS ${pointsOf(`coalesce(s.labels->>'port', s.labels->>'ifName') AS port, s.labels->>'lane' AS lane, s.labels->>'direction' AS direction`, `s.metric IN ('optical_rx_dbm', 'optical_tx_dbm') OR s.unit = 'dBm'`)};
  CREATE OR REPLACE VIEW interface_traffic AS ${pointsOf(`s.labels->>'ifName' AS if_name`, `s.metric IN ('if_in_bps', 'if_out_bps', 'if_in_pps', 'if_out_pps', 'if_speed_bps')`)};
  CREATE OR REPLACE VIEW interface_errors AS ${pointsOf(`s.labels->>'ifName' AS if_name`, `s.metric IN ('if_in_errors_ps', 'if_out_errors_ps', 'if_in_discards_ps', 'if_out_discards_ps')`)};
  CREATE OR REPLACE VIEW path_latency_loss AS ${pointsOf(`s.labels->>'target' AS target`, `s.metric IN ('path_rtt_ms_avg', 'path_rtt_ms_min', 'path_rtt_ms_max', 'path_jitter_ms', 'path_loss_ratio')`)};
  CREATE OR REPLACE VIEW availability AS ${pointsOf(`coalesce(s.labels->>'ifName', s.labels->>'target') AS item`, `s.metric IN ('device_up', 'if_oper_up', 'device_reachable')`)};`;

// Tables the GraphQL API owns (api/): API keys, stored as a SHA-256 of the key (the key is 32
// random bytes, so a fast hash is enough: there is nothing to brute-force), and the operators'
// acknowledgements and notes on anomalies. Notes are kept apart from anomaly_events, which the
// sink rewrites from the topic: a replay never erases what a person wrote.

export const apiTablesSql = `
  CREATE TABLE IF NOT EXISTS api_keys (
    key_id       text PRIMARY KEY,
    name         text NOT NULL,
    role         text NOT NULL CHECK (role IN ('viewer', 'operator', 'analyst', 'admin')),
    key_hash     bytea NOT NULL,
    prefix       text NOT NULL,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
  );

  CREATE TABLE IF NOT EXISTS anomaly_acks (
    anomaly_id      text PRIMARY KEY,
    acknowledged_by text NOT NULL,
    acknowledged_at timestamptz NOT NULL DEFAULT now(),
    note            text
  );

  CREATE TABLE IF NOT EXISTS anomaly_annotations (
    annotation_id bigserial PRIMARY KEY,
    anomaly_id    text NOT NULL,
    author        text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    body          text NOT NULL
  );
  CREATE INDEX IF NOT EXISTS anomaly_annotations_anomaly ON anomaly_annotations (anomaly_id, annotation_id);

  -- The device list filters and pages by these.
  CREATE INDEX IF NOT EXISTS devices_platform_status ON devices (platform, status);
  CREATE INDEX IF NOT EXISTS anomaly_events_device_started ON anomaly_events (device_id, started_at DESC);`;

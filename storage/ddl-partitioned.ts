// Storage layout on plain PostgreSQL (no TimescaleDB): metric_points range-partitioned by day,
// partitions created ahead and dropped by retention (functions below, called by the sink's
// maintenance), and rollup TABLES with the names and columns of the continuous aggregates, kept
// up to date by the sink from an invalidation log (rollups.ts), so the API cannot tell the layouts
// apart. Partition names carry their UTC day: metric_points_pYYYYMMDD covers [day, day + 1).

export const partitionedLayoutSql = `
  ALTER TABLE metric_points RENAME TO metric_points_unpartitioned;
  ALTER INDEX metric_points_pkey RENAME TO metric_points_unpartitioned_pkey;
  -- The primary key holds the partition key (ts), as PostgreSQL requires: (series_id, ts) is
  -- already the identity of a reading.
  CREATE TABLE metric_points (
    ts        timestamptz NOT NULL,
    series_id bigint NOT NULL,
    value     double precision NOT NULL,
    PRIMARY KEY (series_id, ts)
  ) PARTITION BY RANGE (ts);
  -- Rows arrive roughly in time order: a BRIN index finds a time range (rollup refresh) for
  -- almost nothing on the write path.
  CREATE INDEX metric_points_ts_brin ON metric_points USING brin (ts);

  CREATE FUNCTION oc_metric_partition(day date) RETURNS text LANGUAGE plpgsql AS $fn$
  DECLARE
    name text := 'metric_points_p' || to_char(day, 'YYYYMMDD');
  BEGIN
    IF to_regclass(name) IS NULL THEN
      BEGIN
        EXECUTE format('CREATE TABLE %I PARTITION OF metric_points FOR VALUES FROM (%L) TO (%L)',
                       name, day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
      EXCEPTION WHEN duplicate_table OR invalid_object_definition THEN
        NULL; -- another replica created it first
      END;
    END IF;
    RETURN name;
  END $fn$;

  CREATE FUNCTION oc_drop_metric_partitions(cutoff timestamptz) RETURNS SETOF text LANGUAGE plpgsql AS $fn$
  DECLARE
    r record;
  BEGIN
    FOR r IN
      SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'metric_points'::regclass AND c.relname ~ '^metric_points_p[0-9]{8}$'
       ORDER BY c.relname
    LOOP
      IF (to_date(substr(r.relname, 16), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC' <= cutoff THEN
        EXECUTE format('DROP TABLE %I', r.relname);
        RETURN NEXT r.relname;
      END IF;
    END LOOP;
  END $fn$;

  -- Rows of the table this layout replaces (a database of the walking skeleton) move over.
  SELECT oc_metric_partition(d) FROM (SELECT DISTINCT (ts AT TIME ZONE 'UTC')::date AS d FROM metric_points_unpartitioned) days;
  INSERT INTO metric_points SELECT ts, series_id, value FROM metric_points_unpartitioned;
  DROP TABLE metric_points_unpartitioned;

  ${['5m', '1h', '1d'].map((tier) => `
  CREATE TABLE metric_points_${tier} (
    series_id bigint NOT NULL,
    bucket    timestamptz NOT NULL,
    min       double precision NOT NULL,
    max       double precision NOT NULL,
    avg       double precision GENERATED ALWAYS AS (sum / count) STORED,
    last      double precision NOT NULL,
    count     bigint NOT NULL,
    sum       double precision NOT NULL,
    last_ts   timestamptz NOT NULL,
    PRIMARY KEY (series_id, bucket)
  );
  CREATE INDEX metric_points_${tier}_bucket ON metric_points_${tier} (bucket);`).join('\n')}

  -- Hours whose raw points changed since the rollups last saw them (TimescaleDB keeps the same
  -- kind of log for its continuous aggregates). Written in the transaction of the rows.
  CREATE TABLE rollup_invalidations (hour timestamptz PRIMARY KEY);`;

// Shared by the sink tests: a metric batch of known shape, and the environment of a sink role
// started as a child process against a test's own topics and database.
import type { MetricBatch } from '../schemas/types.js';
import { testEnv } from './env.js';

export function metricBatch(deviceId: string, ts: number, samples: number, value = (k: number) => ts / 1000 + k): MetricBatch {
  return {
    deviceId,
    source: 'snmp',
    ts,
    samples: Array.from({ length: samples }, (_, k) => ({
      seriesKey: `${deviceId}/if_in_bps{ifName=eth${k}}`,
      metric: 'if_in_bps',
      labels: { ifName: `eth${k}` },
      unit: 'bps',
      value: value(k),
    })),
  };
}

export function sinkEnv(o: { prefix: string; databaseUrl: string; redisPrefix?: string; extra?: Record<string, string> }): Record<string, string> {
  return {
    KAFKA_BROKERS: testEnv.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: testEnv.registryUrl,
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: testEnv.redisUrl,
    SINK_REDIS_PREFIX: o.redisPrefix ?? `${o.prefix}oc:`,
    KAFKA_TOPIC_PREFIX: o.prefix,
    KAFKA_PARTITIONS: '3',
    SINK_SESSION_TIMEOUT_MS: '6000', // a SIGKILLed replica's partitions move on after 6 s
    LOG_LEVEL: 'debug',
    ...o.extra,
  };
}

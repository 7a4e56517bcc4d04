// The latest value of every device series, held for Prometheus to scrape, and its OpenMetrics text.
//
// Why exposition and not remote-write: bench/README.md "device-metrics". In short: folding a batch
// in is a map update, the text is only made when Prometheus asks, and a series that goes away
// simply stops being listed, which Prometheus itself turns into a staleness marker.
//
// Invariants:
// - Memory is bounded: at most `maxSeries` series keys are held; a new series beyond that, or one
//   whose label text is longer than `maxLabelBytes`, is refused and counted, never silently lost.
// - A series whose latest reading is older than `staleAfterMs` (event time) is dropped, so a
//   device deleted, unreachable or moved to another exporter replica leaves the scrape.
// - An older reading never replaces a newer one (a replay, a late batch).
// - Two series keys whose names and labels become the same text after escaping (`if-name` and
//   `if_name`) share one exposed series: a repeated series would fail the whole scrape.
// - Samples carry no timestamp: Prometheus applies its own staleness only to series exposed
//   without one (the reading's time is in `<prefix>last_reading_timestamp_seconds` per device).
import type { MetricBatch } from '../../schemas/types.js';
import { labelSet, metricName, sampleValue, seriesLabels } from './openmetrics-text.js';

export type RefusalReason = 'series_limit' | 'labels_too_long';

export interface LatestValuesOptions {
  /** Prefix of every exposed metric name (e.g. `oc_device_`). */
  prefix: string;
  maxSeries: number;
  staleAfterMs: number;
  /** Longest label text (`{…}`) of one series, in UTF-16 code units. */
  maxLabelBytes: number;
  onRefused?: (reason: RefusalReason, count: number) => void;
}

interface Entry {
  device: string;
  family: string;
  labels: string;
  value: number;
  ts: number;
}

interface Family {
  help: string;
  series: Map<string, Entry>; // labels text → entry
}

export class LatestValues {
  private readonly byKey = new Map<string, Entry>(); // seriesKey → entry (several keys may share one)
  private readonly families = new Map<string, Family>();
  private readonly devices = new Map<string, { labels: string; ts: number }>();
  private readonly lastReading: string;

  constructor(private readonly opts: LatestValuesOptions) {
    this.lastReading = metricName(`${opts.prefix}last_reading_timestamp_seconds`);
  }

  /** Series keys held now (what `maxSeries` bounds). */
  get size(): number {
    return this.byKey.size;
  }

  /** Folds the batches in; returns how many samples were refused. */
  offer(batches: MetricBatch[]): number {
    let refused = 0;
    for (const b of batches) {
      let accepted = false;
      for (const s of b.samples) {
        let e = this.byKey.get(s.seriesKey);
        if (!e) {
          e = this.admit(b.deviceId, s.metric, s.unit, s.labels);
          if (!e) {
            refused++;
            continue;
          }
          this.byKey.set(s.seriesKey, e);
        }
        accepted = true;
        if (e.ts <= b.ts) {
          e.ts = b.ts;
          e.value = s.value;
        }
      }
      if (accepted) {
        const d = this.devices.get(b.deviceId);
        if (!d) this.devices.set(b.deviceId, { labels: labelSet([['device', b.deviceId]]), ts: b.ts });
        else if (d.ts < b.ts) d.ts = b.ts;
      }
    }
    return refused;
  }

  private admit(deviceId: string, metric: string, unit: string, labels: Record<string, string>): Entry | undefined {
    if (this.byKey.size >= this.opts.maxSeries) return this.refuse('series_limit');
    const family = metricName(this.opts.prefix + metric);
    const text = labelSet(seriesLabels(deviceId, labels));
    if (text.length > this.opts.maxLabelBytes) return this.refuse('labels_too_long');
    let f = this.families.get(family);
    if (!f) this.families.set(family, (f = { help: `${metric} (${unit}) of each device, latest reading from telemetry.metrics`, series: new Map() }));
    let e = f.series.get(text);
    if (!e) f.series.set(text, (e = { device: deviceId, family, labels: text, value: 0, ts: -Infinity }));
    return e;
  }

  private refuse(reason: RefusalReason): undefined {
    this.opts.onRefused?.(reason, 1);
    return undefined;
  }

  /** Drops every series (and device) whose latest reading is older than `staleAfterMs`; returns
   * how many series keys went. */
  expire(now: number): number {
    const oldest = now - this.opts.staleAfterMs;
    let gone = 0;
    for (const [key, e] of this.byKey) {
      if (e.ts < oldest) {
        this.byKey.delete(key);
        gone++;
      }
    }
    for (const [name, f] of this.families) {
      for (const [text, e] of f.series) if (e.ts < oldest) f.series.delete(text);
      if (f.series.size === 0) this.families.delete(name);
    }
    for (const [id, d] of this.devices) if (d.ts < oldest) this.devices.delete(id);
    return gone;
  }

  /** Forgets the devices of partitions this replica no longer owns (their new owner exposes them). */
  forgetDevices(owned: (deviceId: string) => boolean): void {
    for (const [key, e] of this.byKey) {
      if (!owned(e.device)) {
        this.byKey.delete(key);
        e.ts = -Infinity;
      }
    }
    for (const [name, f] of this.families) {
      for (const [text, e] of f.series) if (e.ts === -Infinity) f.series.delete(text);
      if (f.series.size === 0) this.families.delete(name);
    }
    for (const id of this.devices.keys()) if (!owned(id)) this.devices.delete(id);
  }

  /** The OpenMetrics text of every held series, families contiguous, ending with `# EOF`. */
  render(): string {
    let out = '';
    for (const [name, f] of this.families) {
      out += `# TYPE ${name} gauge\n# HELP ${name} ${f.help.replace(/[\\\n"]/g, '_')}\n`;
      for (const e of f.series.values()) out += `${name}${e.labels} ${sampleValue(e.value)}\n`;
    }
    if (this.devices.size > 0) {
      out += `# TYPE ${this.lastReading} gauge\n# UNIT ${this.lastReading} seconds\n# HELP ${this.lastReading} event time of the latest reading of each device\n`;
      for (const d of this.devices.values()) out += `${this.lastReading}${d.labels} ${d.ts / 1000}\n`;
    }
    return `${out}# EOF\n`;
  }
}

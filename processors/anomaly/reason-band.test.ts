// The reason text of an anomaly agrees with the alarm: every detector text ("X above expected E
// (band L to U, N spreads), score S"), parsed back from the words a NOC reads, has the observed
// value outside the band it states, a band of a non-negative metric never below 0, and the score
// the event carries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnomalyEvent, MetricSample } from '../../schemas/types.js';
import { analyseBatch, type DeviceAnalysisState } from './analyse.js';
import { analysisDefaults } from './config.js';
import { gaussian, polls, sample } from './test-signals.js';
import { DAY_MS } from '../../common/time-units.js';

const siFactor: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** The detector's part of a reason, its numbers read back as formatValue wrote them (SI prefixes included). */
function parseDetectorText(reason: string, unit: string): { observed: number; expected: number; lower: number; upper: number; score: number } | null {
  const u = unit.replace(/[.*+?^${}()|[\]\\%]/g, '\\$&');
  const v = `(-?\\d[\\d.e+-]*)(?: ([kMGT]?)${u})?`;
  const m = new RegExp(`${v} (?:above|below) expected ${v} \\(band ${v} to ${v}, [\\d.]+ spreads(?:, seasonal baseline)?\\), score ([\\d.]+)`).exec(reason);
  if (!m) return null;
  const num = (i: number) => Number(m[i]) * siFactor[m[i + 1] ?? ''];
  return { observed: num(1), expected: num(3), lower: num(5), upper: num(7), score: Number(m[9]) };
}

/** A device of varied series over two days of 30 s polls, with spikes, drops, level shifts and bursts. */
function noisyDevice() {
  const step = 30_000;
  const n = gaussian(77);
  const count = (2 * DAY_MS) / step;
  const at = (i: number, from: number, len: number) => i >= from && i < from + len;
  return polls('lab-rb', count, step, (i): MetricSample[] => [
    // Latency a few ms above 0: an unclipped band would reach below 0 ms.
    sample('lab-rb', 'path_latency_ms', 'ms', Math.abs(2 + 0.8 * n()) + (at(i, 3000, 3) ? 40 : 0) + (at(i, 4500, 200) ? 6 : 0), { target: 'core' }),
    // Traffic in bps (SI prefixes in the text), a drop and a surge.
    sample('lab-rb', 'if_in_bps', 'bps', 4e8 + 2e7 * n() + (at(i, 2600, 20) ? -3e8 : 0) + (at(i, 5000, 10) ? 5e8 : 0), { ifName: 'xe-0/0/0' }),
    // Optical power (negative numbers), a slow fade then a drop.
    sample('lab-rb', 'optical_rx_dbm', 'dBm', -7.2 + 0.05 * n() - (at(i, 3500, 300) ? 2.5 : 0), { ifName: 'xe-0/0/0', direction: 'rx' }),
    // A flat error rate with bursts; a percentage with a level shift in noise (the short mean's case).
    sample('lab-rb', 'if_in_errors_ps', 'pps', at(i, 2800, 4) || at(i, 4000, 2) ? 25 : 0, { ifName: 'xe-0/0/0' }),
    sample('lab-rb', 'cpu_util', '%', Math.max(0, 30 + 6 * n() + (at(i, 3800, 400) ? 14 : 0))),
    // A shift of one spread that lasts: the short mean sees it long before a single point leaves the band.
    sample('lab-rb', 'mem_util', '%', 50 + 4 * n() + (i >= 4600 ? 4 : 0)),
    sample('lab-rb', 'optical_temperature_c', 'celsius', 41 + 0.3 * n() + (at(i, 4200, 60) ? 9 : 0), { ifName: 'xe-0/0/0' }),
  ]);
}

test('every detector reason, parsed, states a band the observed value lies outside, clipped at 0 where negative is impossible', { timeout: 60_000 }, () => {
  let state: DeviceAnalysisState | undefined;
  const events: AnomalyEvent[] = [];
  for (const b of noisyDevice()) {
    const r = analyseBatch(state, b, analysisDefaults);
    state = r.deviceState;
    events.push(...r.anomalies);
  }
  const unitOf = new Map(noisyDevice()[0].samples.map((s) => [s.seriesKey, s.unit]));
  let parsed = 0;
  for (const e of events) {
    if (e.state === 'CLOSE') continue; // "back to normal … (band …)": inside the band by definition
    const unit = unitOf.get(e.seriesKey)!;
    const p = parseDetectorText(e.reason, unit);
    if (p === null) {
      assert.match(e.detector, /^rule:/, `a detector event without its band in the reason: ${e.reason}`);
      continue;
    }
    parsed++;
    const what = `${e.state} ${e.seriesKey}: ${e.reason}`;
    assert.ok(p.observed < p.lower || p.observed > p.upper, `observed inside the stated band: ${what}`);
    if (analysisDefaults.scoring.nonNegativeUnits.includes(unit)) assert.ok(p.lower >= 0 && p.expected >= 0, `a band below 0 ${unit}: ${what}`);
    // formatValue prints 3 significant digits with SI prefixes (4 otherwise), dBm to 0.01.
    const close = (a: number, b: number) => Math.abs(a - b) <= 5e-3 * Math.max(Math.abs(a), Math.abs(b)) + 0.006;
    assert.ok(close(p.observed, e.observed) && close(p.lower, e.lower) && close(p.upper, e.upper), `the text's numbers are the event's: ${what} ${JSON.stringify(e)}`);
    if (e.detector === 'baseline-zscore') assert.equal(p.score.toFixed(2), e.score.toFixed(2), `the text's score is the event's: ${what}`);
  }
  // The run must exercise the check: detector anomalies on several series and units.
  const opened = new Set(events.filter((e) => e.state === 'OPEN' && e.detector === 'baseline-zscore').map((e) => e.seriesKey));
  assert.ok(parsed >= 6 && opened.size >= 4, `${parsed} detector reasons on ${[...opened].join(', ')}`);
});

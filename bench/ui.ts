// Dashboard smoothness: a NOC wall of 48 live charts in headless Chromium (Debian's, driven by
// playwright-core), fed by a real API (the api role's server) on synthetic data with a live feed
// of one point per chart per second (48 points/s), measured with the browser's own clocks for
// 60 s (test/browser/frame-probe.ts: frame time from frame start to after its paint, rAF
// intervals, long tasks, main-thread busy share). The reference, in the same browser and run, is
// the same wall with its live feed stopped (charts still slide once a second), and an empty page:
// what the charts' data path costs over the chart's redraw and over the browser's floor.
//
// Then the weathermap (#/map): 500 devices and 1,000 links on one canvas, every link end's out-rate
// live once a second (2,000 points/s), measured the same way (map_*), beside the same empty page.
//
//   npm run bench -- ui [--charts 48] [--seconds 60] [--map-seconds 30] [--only map]
// Goals (issue 7): frame_p95_ms < 16, busy_share < 0.25; (issue 17) map_frame_p95_ms <= 16.

import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import type { BenchContext } from './run.js';
import { ensureDashboardBuilt, launchBrowser, saveScreenshot, waitFor } from '../test/browser/browser-fixture.js';
import { measureFrames, type FrameFigures } from '../test/browser/frame-probe.js';
import { startSyntheticWall } from '../test/browser/synthetic-wall.js';
import { startSyntheticMap } from '../test/browser/synthetic-map.js';

const DEFAULTS = {
  charts: 48,
  seconds: 60,
  referenceSeconds: 15,
  warmupMs: 5_000, // history loaded, charts sized, JIT warm
  mapSeconds: 30,
  mapDevices: 500,
  mapLinks: 1_000,
};

/** The weathermap at scale: its own synthetic network and API, the same browser. */
async function measureMap(ctx: BenchContext, browser: Awaited<ReturnType<typeof launchBrowser>>, seconds: number): Promise<Record<string, unknown>> {
  const map = await startSyntheticMap({ databaseUrl: ctx.databaseUrl, network: { kind: 'scale', devices: DEFAULTS.mapDevices, links: DEFAULTS.mapLinks } });
  try {
    const page = await browser.newPage();
    await page.goto(`${map.url}/?token=${map.viewerToken}#/map`);
    // page.evaluate, not waitForFunction: a string predicate is an eval the page's CSP refuses.
    await waitFor('every link on the map', () => page.evaluate(`(() => { const m = window.__ocMap; return !!m && m.links === ${map.linkIds.length} && m.draws > 0; })()`) as Promise<boolean>, 60_000, 500);
    await page.waitForTimeout(DEFAULTS.warmupMs);
    const draws0 = (await page.evaluate('window.__ocMap.draws')) as number;
    ctx.say(`measuring the weathermap (${DEFAULTS.mapDevices} devices, ${map.linkIds.length} links, 2 live rates a link)…`);
    const f = await measureFrames(page, seconds);
    const draws = ((await page.evaluate('window.__ocMap.draws')) as number) - draws0;
    const fullDraws = (await page.evaluate('[1,2,3,4,5].map(() => window.__ocMap.timeFullDraw())')) as number[];
    ctx.say(`canvas: last draw recorded in ${((await page.evaluate('window.__ocMap.lastDrawMs')) as number).toFixed(1)} ms; a full redraw with its raster forced ${fullDraws.map((v) => v.toFixed(1)).join(', ')} ms`);
    ctx.say(describe(`weathermap (${(draws / f.seconds).toFixed(1)} redraws/s)`, f));
    await saveScreenshot(page, 'bench-ui-map');
    await page.close();
    return { map_devices: DEFAULTS.mapDevices, map_links: map.linkIds.length, map_redraws_per_s: Number((draws / f.seconds).toFixed(1)), map_frame_p50_ms: f.frame_p50_ms, map_frame_p99_ms: f.frame_p99_ms, map_fps: f.fps, map_long_tasks: f.long_tasks, map_busy_share: f.busy_share, map_frame_p95_ms: f.frame_p95_ms };
  } finally {
    await map.close();
  }
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`${name}=`))?.split('=')[1];
}

async function waitForCharts(page: Page, charts: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const bodies = [...document.querySelectorAll<HTMLElement>('.panel-chart')];
      return bodies.length === n && bodies.every((b) => b.querySelector('canvas'));
    },
    charts,
    { timeout: 60_000, polling: 500 },
  );
}

function describe(label: string, f: FrameFigures): string {
  return `${label}: frame p50 ${f.frame_p50_ms} ms, p95 ${f.frame_p95_ms} ms, p99 ${f.frame_p99_ms} ms, max ${f.frame_max_ms} ms; ${f.fps} fps; long tasks ${f.long_tasks} (${f.long_task_ms} ms); main thread busy ${(f.busy_share * 100).toFixed(1)} %`;
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const charts = Number(argValue(ctx.args, '--charts') ?? DEFAULTS.charts);
  const seconds = Number(argValue(ctx.args, '--seconds') ?? DEFAULTS.seconds);
  const mapSeconds = Number(argValue(ctx.args, '--map-seconds') ?? DEFAULTS.mapSeconds);
  if (argValue(ctx.args, '--only') === 'map') {
    ensureDashboardBuilt();
    const browser = await launchBrowser();
    try {
      const blank = await browser.newPage();
      await blank.setContent('<!doctype html><title>blank</title><body style="background:#000"></body>');
      const floor = await measureFrames(blank, DEFAULTS.referenceSeconds);
      ctx.say(describe('reference, empty page', floor));
      await blank.close();
      const map = await measureMap(ctx, browser, mapSeconds);
      const load = loadavg()[0];
      ctx.say(`machine load average ${load.toFixed(2)} (2 cores shared with other work: figures are noisy)`);
      return { ...map, ref_blank_frame_p95_ms: floor.frame_p95_ms, load_avg: Number(load.toFixed(2)) };
    } finally {
      await browser.close();
    }
  }
  ctx.say(`ui bench: ${charts} live charts, one point per chart per second, ${seconds} s in headless Chromium`);
  ensureDashboardBuilt();
  const load0 = loadavg()[0];
  const wall = await startSyntheticWall({ databaseUrl: ctx.databaseUrl, charts, historyMin: 15 });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(`${wall.url}/?charts=${charts}&kiosk=1&token=${wall.viewerToken}`);
    await waitForCharts(page, charts);
    await page.waitForTimeout(DEFAULTS.warmupMs);
    const published0 = wall.published();
    ctx.say('measuring the live wall…');
    const liveWall = await measureFrames(page, seconds);
    const pointsPerS = (wall.published() - published0) / liveWall.seconds;
    ctx.say(describe(`live wall (${pointsPerS.toFixed(1)} points/s)`, liveWall));
    await saveScreenshot(page, 'bench-ui-wall');

    const liveErrors = [...browser.pageErrors];
    // Reference 1: the same wall without its feed (the API stopped: charts slide, no points).
    await wall.stopApi();
    await page.waitForTimeout(2_000);
    const frozen = await measureFrames(page, DEFAULTS.referenceSeconds);
    ctx.say(describe('reference, same wall without live points', frozen));

    // Reference 2: the browser's floor: an empty page, same measurement.
    const blank = await browser.newPage();
    await blank.setContent('<!doctype html><title>blank</title><body style="background:#000"></body>');
    await page.close();
    const floor = await measureFrames(blank, DEFAULTS.referenceSeconds);
    ctx.say(describe('reference, empty page', floor));
    await blank.close();
    const map = await measureMap(ctx, browser, mapSeconds);
    const load1 = loadavg()[0];
    ctx.say(`machine load average ${load0.toFixed(2)} → ${load1.toFixed(2)} (2 cores shared with other work: figures are noisy)`);
    if (liveErrors.length > 0) ctx.say(`page errors while live: ${liveErrors.slice(0, 5).join(' | ')}`);
    return {
      charts,
      seconds: liveWall.seconds,
      points_per_s: Number(pointsPerS.toFixed(1)),
      frames: liveWall.frames,
      fps: liveWall.fps,
      frame_p50_ms: liveWall.frame_p50_ms,
      frame_p99_ms: liveWall.frame_p99_ms,
      frame_max_ms: liveWall.frame_max_ms,
      long_tasks: liveWall.long_tasks,
      long_task_ms: liveWall.long_task_ms,
      ref_frozen_frame_p95_ms: frozen.frame_p95_ms,
      ref_frozen_busy_share: frozen.busy_share,
      ref_blank_frame_p95_ms: floor.frame_p95_ms,
      ref_blank_busy_share: floor.busy_share,
      ...map,
      load_avg: Number(load1.toFixed(2)),
      frame_p95_ms: liveWall.frame_p95_ms,
      busy_share: liveWall.busy_share,
    };
  } finally {
    await browser.close();
    await wall.close();
  }
}

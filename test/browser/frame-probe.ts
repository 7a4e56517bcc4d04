// Measures a page's smoothness with the browser's own clocks, for the ui bench (and any browser
// test that wants a number):
// - frame time: for every animation frame, from the frame's start (the rAF timestamp, shared by
//   all of that frame's callbacks) to the first task after its rendering (a MessageChannel
//   message posted from a rAF callback runs once style, layout and paint of that frame are done).
//   It is the main-thread cost of producing the frame, comparable to the 16.7 ms budget of 60 Hz.
// - frame interval: time between consecutive rAF timestamps (missed vsyncs show up here).
// - long tasks (PerformanceObserver 'longtask', > 50 ms).
// - busy share: the renderer main thread's task time (Chrome DevTools Protocol
//   Performance.getMetrics TaskDuration) over wall time.

import type { Page } from 'playwright-core';

export interface FrameFigures {
  frames: number;
  frame_p50_ms: number;
  frame_p95_ms: number;
  frame_p99_ms: number;
  frame_max_ms: number;
  interval_p95_ms: number;
  fps: number;
  long_tasks: number;
  long_task_ms: number;
  busy_share: number;
  seconds: number;
}

// Plain JavaScript in a string: a function handed to page.evaluate would carry the helpers the
// TypeScript loader adds to it (__name), which do not exist in the page.
const PROBE_SCRIPT = `(() => {
  const probe = { frames: [], intervals: [], longTasks: [], stop: false };
  window.__ocProbe = probe;
  const channel = new MessageChannel();
  let frameStart = 0;
  let last = 0;
  channel.port1.onmessage = () => { probe.frames.push(performance.now() - frameStart); };
  const onFrame = (ts) => {
    if (probe.stop) return;
    if (last > 0) probe.intervals.push(ts - last);
    last = ts;
    frameStart = ts;
    channel.port2.postMessage(0);
    requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) probe.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: false });
  } catch (e) { /* longtask unsupported: reported as zero */ }
})()`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round = (v: number, digits = 2) => Number(v.toFixed(digits));

async function taskSeconds(session: { send(method: 'Performance.getMetrics'): Promise<{ metrics: Array<{ name: string; value: number }> }> }): Promise<number> {
  const { metrics } = await session.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
}

export async function measureFrames(page: Page, seconds: number): Promise<FrameFigures> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await page.evaluate(PROBE_SCRIPT);
  const busy0 = await taskSeconds(cdp);
  const t0 = Date.now();
  await page.waitForTimeout(seconds * 1000);
  const busy1 = await taskSeconds(cdp);
  const elapsedS = (Date.now() - t0) / 1000;
  const raw = (await page.evaluate('(() => { const p = window.__ocProbe; p.stop = true; return { frames: p.frames, intervals: p.intervals, longTasks: p.longTasks }; })()')) as {
    frames: number[];
    intervals: number[];
    longTasks: number[];
  };
  await cdp.detach().catch(() => undefined);
  const frames = [...raw.frames].sort((a, b) => a - b);
  const intervals = [...raw.intervals].sort((a, b) => a - b);
  return {
    frames: frames.length,
    frame_p50_ms: round(percentile(frames, 50)),
    frame_p95_ms: round(percentile(frames, 95)),
    frame_p99_ms: round(percentile(frames, 99)),
    frame_max_ms: round(frames[frames.length - 1] ?? NaN),
    interval_p95_ms: round(percentile(intervals, 95)),
    fps: round(intervals.length / elapsedS, 1),
    long_tasks: raw.longTasks.length,
    long_task_ms: round(raw.longTasks.reduce((a, b) => a + b, 0), 0),
    busy_share: round((busy1 - busy0) / elapsedS, 3),
    seconds: round(elapsedS, 1),
  };
}

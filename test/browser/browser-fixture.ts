// Headless Chromium for the dashboard's browser tests and the ui bench: Debian's /usr/bin/chromium
// driven by playwright-core, a wall-sized page, the page's console errors collected (a test can
// assert there were none), screenshots saved as test artefacts, and the browser closed by the
// caller's cleanup even when a test fails half-way.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../infra/supervisor.js';
import { ensureUiBuilt } from '../../infra/ui-build.js';

export const BROWSER_DEFAULTS = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  viewport: { width: 1920, height: 1080 }, // a wall screen
} as const;

export interface BrowserSession {
  browser: Browser;
  newPage(opts?: { viewport?: { width: number; height: number } }): Promise<Page>;
  /** Console errors and uncaught exceptions of every page, in order. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Builds the dashboard when its sources are newer than ui/dist (what `npm test` does too). */
export function ensureDashboardBuilt(): void {
  ensureUiBuilt(() => undefined);
}

export async function launchBrowser(): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: BROWSER_DEFAULTS.executablePath,
    headless: true,
    // No GPU in CI containers; keep timers running at full rate in a "background" headless tab.
    args: ['--disable-gpu', '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'],
  });
  const pageErrors: string[] = [];
  return {
    browser,
    pageErrors,
    newPage: async (opts = {}) => {
      const page = await browser.newPage({ viewport: opts.viewport ?? BROWSER_DEFAULTS.viewport });
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(m.text());
      });
      page.on('pageerror', (e) => pageErrors.push(`uncaught: ${e.message}`));
      return page;
    },
    close: async () => {
      await browser.close().catch(() => undefined);
    },
  };
}

/** Where screenshots go: $OC_TEST_RUN_DIR/artifacts when the suite runner set it, else .run/test/artifacts. */
export function artifactsDir(): string {
  const dir = join(process.env.OC_TEST_RUN_DIR || join(projectRoot, '.run', 'test'), 'artifacts');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const path = join(artifactsDir(), `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** What the wall reports about one chart (`window.opsconductorWall.charts()`, for tests and people). */
export interface ChartState {
  seriesId: string;
  key: string;
  points: number;
  lastTs: number | null;
  maxGapS: number;
  /** Stretches without a reading longer than three usual steps: the line is broken there. */
  outages: number;
  markers: number;
  band: boolean;
}

export const wallCharts = (page: Page) => page.evaluate('window.opsconductorWall ? window.opsconductorWall.charts() : []') as Promise<ChartState[]>;

/** Polls `check` until it returns something truthy, or fails naming `what` (and the last error). */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

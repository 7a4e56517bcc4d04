import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PollScheduler, SCHEDULER_DEFAULTS, nextDue, phaseOf } from './scheduler.js';

test('phases spread devices across the interval and stay put', () => {
  const interval = 60_000;
  const phases = Array.from({ length: 10_000 }, (_, i) => phaseOf(`dev-${i}`, interval));
  const perSecond = new Array(60).fill(0);
  for (const p of phases) perSecond[Math.floor(p / 1000)]++;
  assert.ok(Math.max(...perSecond) < 250, `no second holds more than 1.5x its share (max ${Math.max(...perSecond)})`);
  assert.equal(phaseOf('dev-1', interval), phaseOf('dev-1', interval));
  assert.equal(nextDue(1_000, 250, 1_000), 1_250);
  assert.equal(nextDue(1_250, 250, 1_000), 1_250);
});

test('a slow device never delays the others, and is never polled twice at once', async () => {
  const polls: Record<string, number> = { slow: 0, fast: 0 };
  let slowConcurrent = 0;
  let maxSlowConcurrent = 0;
  const s = new PollScheduler<string>({
    protocol: 'test',
    intervalMs: 100,
    concurrency: 4,
    poll: async (id) => {
      polls[id]++;
      if (id === 'slow') {
        slowConcurrent++;
        maxSlowConcurrent = Math.max(maxSlowConcurrent, slowConcurrent);
        await new Promise((r) => setTimeout(r, 450));
        slowConcurrent--;
      }
    },
  });
  s.upsert('slow', 'slow');
  s.upsert('fast', 'fast');
  await new Promise((r) => setTimeout(r, 1_050));
  await s.stop();
  assert.ok(polls.fast >= 9, `fast device polled every interval (${polls.fast})`);
  assert.ok(polls.slow <= 3, `slow device skipped while busy (${polls.slow})`);
  assert.equal(maxSlowConcurrent, 1);
});

test('concurrency is bounded', async () => {
  let active = 0;
  let peak = 0;
  const s = new PollScheduler<number>({
    protocol: 'test',
    intervalMs: 200,
    concurrency: 3,
    poll: async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 50));
      active--;
    },
  });
  for (let i = 0; i < 40; i++) s.upsert(`d${i}`, i);
  await new Promise((r) => setTimeout(r, 450));
  await s.stop();
  assert.ok(peak <= 3, `peak ${peak}`);
  assert.equal(active, 0);
});

test('a device new to the collector is polled within the adoption spread, not at its grid slot up to an interval away', async () => {
  const firstPoll = new Map<string, number>();
  const s = new PollScheduler<string>({ protocol: 'test', intervalMs: 600_000, concurrency: 50, poll: async (id) => void (firstPoll.has(id) || firstPoll.set(id, Date.now())) });
  const adoptedAt = Date.now();
  for (let i = 0; i < 40; i++) s.upsert(`moved-${i}`, `moved-${i}`);
  await new Promise((r) => setTimeout(r, SCHEDULER_DEFAULTS.adoptSpreadMs + 300));
  await s.stop();
  assert.equal(firstPoll.size, 40, `every adopted device polled within ${SCHEDULER_DEFAULTS.adoptSpreadMs} ms of a 10 min interval`);
  const spread = Math.max(...firstPoll.values()) - Math.min(...firstPoll.values());
  assert.ok(spread > SCHEDULER_DEFAULTS.adoptSpreadMs / 4, `spread by phase, not a burst (${spread} ms)`);
  assert.ok(Math.max(...firstPoll.values()) - adoptedAt <= SCHEDULER_DEFAULTS.adoptSpreadMs + 100);
});

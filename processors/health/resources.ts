// Health components from the device's own resources and the load on its links: CPU (the busiest
// processor), memory (the fullest RAM), environment (fans and power supplies not normal, temperatures) and utilisation
// (the busiest interface direction). Each is left out for a device that reports none of it.
import type { HealthSeries } from './health.js';
import type { HealthConfig } from './settings.js';

export interface ComponentDraft {
  name: 'cpu' | 'memory' | 'environment' | 'utilisation';
  score: number;
  detail: string | null;
}

const clamp = (x: number) => (x < 0 ? 0 : x > 100 ? 100 : x);
/** 100 at or below good, 0 at or above bad, linear between. */
const between = (value: number, good: number, bad: number) => (value <= good ? 100 : clamp((100 * (bad - value)) / (bad - good)));

function worst(fresh: HealthSeries[], metrics: string[]): HealthSeries | null {
  let top: HealthSeries | null = null;
  for (const s of fresh) if (metrics.includes(s.metric) && (!top || s.value > top.value)) top = s;
  return top;
}

const nameOf = (s: HealthSeries) => Object.values(s.labels).join(' ') || s.metric;

export function resourceComponents(fresh: HealthSeries[], cfg: HealthConfig): ComponentDraft[] {
  const out: ComponentDraft[] = [];
  const cpu = worst(fresh, cfg.cpuMetrics);
  if (cpu) {
    const score = between(cpu.value, cfg.cpuGoodPercent, cfg.cpuBadPercent);
    out.push({ name: 'cpu', score, detail: score < 100 ? `${cpu.metric} ${nameOf(cpu)} at ${cpu.value.toFixed(0)} %` : null });
  }
  const memory = worst(fresh, cfg.memoryMetrics);
  if (memory) {
    const score = between(memory.value, cfg.memoryGoodPercent, cfg.memoryBadPercent);
    out.push({ name: 'memory', score, detail: score < 100 ? `${memory.metric} ${nameOf(memory)} at ${memory.value.toFixed(0)} %` : null });
  }
  const util = worst(fresh, cfg.utilisationMetrics);
  if (util) {
    const score = between(util.value, cfg.utilisationGoodPercent, cfg.utilisationBadPercent);
    out.push({ name: 'utilisation', score, detail: score < 100 ? `${util.metric} on ${nameOf(util)} at ${util.value.toFixed(1)} % of line rate` : null });
  }
  // ENVMON-style states: normal 1, warning 2, critical 3 and worse (shutdown, not functioning);
  // notPresent (5) is an empty slot, not a fault.
  const states = fresh.filter((s) => cfg.environmentStateMetrics.includes(s.metric) && s.value !== 5);
  if (states.length > 0) {
    const bad = states.filter((s) => s.value !== 1);
    const score = bad.length === 0 ? 100 : bad.some((s) => s.value >= 3) ? 0 : 50;
    out.push({ name: 'environment', score, detail: bad.length ? `${bad.map((s) => `${s.metric.replace(/^env_|_state$/g, '')} ${nameOf(s)} state ${s.value}`).join(', ')} (1 is normal)` : null });
  }
  return out;
}

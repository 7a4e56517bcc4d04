// The Prometheus file_sd targets file of a local orchestration (`.run/<profile>/prometheus-targets.json`):
// the ops address of every role that serves /metrics, labelled with its role and instance name.
// Prometheus re-reads the file when it changes, so the local stack needs no static config: the
// supervisor's children have free ports that change on every start.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const SCRAPE_TARGETS_FILE = 'prometheus-targets.json';

interface Target {
  role: string;
  address: string;
}

export class ScrapeTargets {
  private readonly targets = new Map<string, Target>();

  /** Starts the file empty: targets a killed orchestration left behind are not this run's. */
  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.write();
  }

  /** Adds or moves (a restart gets a new port) the target of one role instance. */
  set(instance: string, role: string, host: string, port: number): void {
    // A role listening on every address is scraped over loopback.
    const scrapeHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    this.targets.set(instance, { role, address: `${scrapeHost}:${port}` });
    this.write();
  }

  delete(instance: string): void {
    if (this.targets.delete(instance)) this.write();
  }

  private write(): void {
    const groups = [...this.targets].map(([instance, t]) => ({ targets: [t.address], labels: { role: t.role, instance } }));
    // Written aside and renamed: Prometheus never reads half a file.
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(groups, null, 2) + '\n');
    renameSync(tmp, this.file);
  }
}

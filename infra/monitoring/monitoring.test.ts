// The observability pack on real services: promtool accepts the configs and rules; Debian's
// Prometheus, given the local config pointed at a running pipeline's targets file, scrapes every
// role (up=1) and sees readings; every dashboard query names a metric the roles export (read from
// their live /metrics) or a relation of the migrated database, and PostgreSQL plans the SQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { createLogger } from '../../common/log.js';
import { servesMetrics } from '../../common/settings.js';
import { SCRAPE_TARGETS_FILE } from '../scrape-targets.js';
import { freePort, projectRoot, startRole } from '../supervisor.js';
import { eventually } from '../../test/env.js';
import { startTestPipeline } from '../../test/pipeline-fixture.js';
import { findOnPath, startProcess, stopProcess, tailFile } from '../proc.js';
import {
  DASHBOARD_FILES,
  MIN_SCHEMA_VERSION,
  alertExpressions,
  expandGrafanaMacros,
  exportedMetricNames,
  metricNamesOf,
  monitoringDir,
  provisionedDatasources,
  queriesOf,
  readDashboard,
  relationsOf,
  unknownMetricNames,
  type Dashboard,
} from './dashboard-check.js';

const localConfig = join(monitoringDir, 'prometheus-local.yml');
const composeConfig = join(monitoringDir, 'prometheus-compose.yml');
/** Series Prometheus makes itself for every target, not exported by a role. */
const PROMETHEUS_OWN = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);
/** What the test runs that serves /metrics (the lab and the inventory import do not). */
const PIPELINE_INSTANCES = ['api', 'collector-1', 'notifier', 'processor', 'registry', 'sink'];

function program(name: string): string {
  const path = findOnPath(name);
  assert.ok(path, `${name} is not installed: \`npm test\` installs Debian's prometheus package (or apt-get install prometheus)`);
  return path;
}

function promtool(args: string[]): string {
  try {
    return execFileSync(program('promtool'), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    assert.fail(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

test('promtool accepts the local and compose Prometheus configs and the alert rules', { timeout: 30_000 }, () => {
  for (const config of [localConfig, composeConfig]) assert.match(promtool(['check', 'config', config]), /SUCCESS.*valid prometheus config/);
  assert.match(promtool(['check', 'rules', join(monitoringDir, 'alerts.yml')]), new RegExp(`SUCCESS: ${alertExpressions().size} rules found`));
  // The documented command line (run from the repository root) reads the targets `npm start` writes.
  const local = parseYaml(readFileSync(localConfig, 'utf8')) as { scrape_configs: { file_sd_configs: { files: string[] }[] }[] };
  const files = local.scrape_configs[0].file_sd_configs[0].files.map((f) => resolve(dirname(localConfig), f));
  assert.deepEqual(files, [join(projectRoot, '.run', 'dev', SCRAPE_TARGETS_FILE)]);
});

test('the dashboards are current Grafana JSON on the provisioned datasources, with macros the SQL check knows', () => {
  const datasources = provisionedDatasources();
  for (const file of DASHBOARD_FILES) {
    const d = readDashboard(file);
    assert.ok(Number.isInteger(d.schemaVersion) && d.schemaVersion >= MIN_SCHEMA_VERSION, `${file}: schemaVersion ${d.schemaVersion} < ${MIN_SCHEMA_VERSION}`);
    assert.ok(d.uid && d.title, `${file}: uid and title`);
    assert.equal(new Set(d.panels.map((p) => p.id)).size, d.panels.length, `${file}: panel ids are unique`);
    for (const { where, panel, target } of queriesOf(d)) {
      for (const ds of [panel.datasource, target.datasource]) {
        assert.ok(ds && datasources.get(ds.uid) === ds.type, `${where}: datasource ${JSON.stringify(ds)} is not provisioned`);
      }
      assert.ok(target.expr !== undefined || target.rawSql !== undefined, `${where}: a query`);
      if (target.rawSql !== undefined) assert.doesNotThrow(() => expandGrafanaMacros(target.rawSql!), where);
    }
    assert.ok(queriesOf(d).length >= 5, `${file}: has its panels`);
  }
  assert.throws(() => expandGrafanaMacros('SELECT 1 FROM t WHERE $__unixEpochFilter(ts)'), /unsupported Grafana macro/);
});

interface PromResult {
  metric: Record<string, string>;
  value: [number, string];
}

async function promQuery(base: string, query: string): Promise<{ status: string; error?: string; data?: { result: PromResult[] } }> {
  return (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(query)}`)).json() as never;
}

/** Prometheus on the local config, its file_sd pointed at `targetsFile`, scraping every second. */
async function startPrometheus(t: { after(fn: () => Promise<void>): void }, targetsFile: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'oc-prometheus-'));
  const config = parseYaml(readFileSync(localConfig, 'utf8')) as Record<string, any>;
  config.global = { scrape_interval: '1s', evaluation_interval: '1s' };
  config.rule_files = [join(monitoringDir, 'alerts.yml')];
  config.scrape_configs[0].file_sd_configs[0] = { files: [targetsFile], refresh_interval: '1s' };
  writeFileSync(join(dir, 'prometheus.yml'), toYaml(config));
  const port = await freePort();
  const proc = startProcess({
    name: 'prometheus',
    command: program('prometheus'),
    args: [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    cwd: dir,
    logFile: join(dir, 'prometheus.log'),
  });
  t.after(() => stopProcess(proc, 10_000, createLogger({ role: 'test' })));
  const base = `http://127.0.0.1:${port}`;
  await eventually(`Prometheus ready (log ${proc.logFile}:\n${tailFile(proc.logFile)})`, async () => ((await fetch(`${base}/-/ready`).catch(() => null))?.ok ? true : undefined), 60_000, 250);
  return base;
}

test('Prometheus scrapes a running pipeline; every dashboard and alert query names what the roles and the database have', { timeout: 360_000 }, async (t) => {
  // Its own registry (not the suite's): the registry is one of the roles to scrape.
  const { pipeline, client } = await startTestPipeline(t, 'monitoring', { registryUrl: undefined });
  // The notifier is not part of the pipeline (it needs routes): started beside it, in its targets.
  const routesFile = join(mkdtempSync(join(tmpdir(), 'oc-notify-')), 'routes.yaml');
  writeFileSync(routesFile, 'routes: [{ name: all, webhook: { url: "http://127.0.0.1:9/hook", secret: test-only } }]\n');
  const notifier = await startRole({
    name: 'notifier',
    role: 'notifier',
    env: { ...pipeline.env, NOTIFY_ROUTES_FILE: routesFile },
    logDir: dirname(routesFile),
    scrapeTargets: pipeline.scrapeTargets,
  });
  t.after(() => notifier.stop());
  const targets = JSON.parse(readFileSync(pipeline.scrapeTargets.file, 'utf8')) as { targets: string[]; labels: { role: string; instance: string } }[];
  assert.deepEqual(targets.map((g) => g.labels.instance).sort(), PIPELINE_INSTANCES, 'the targets file lists every role that serves /metrics');
  assert.ok(targets.every((g) => servesMetrics(g.labels.role)));

  const prometheus = await startPrometheus(t, pipeline.scrapeTargets.file);
  const up = await eventually(
    'up=1 for every role',
    async () => {
      const r = await promQuery(prometheus, 'up{job="opsconductor"}');
      const upInstances = (r.data?.result ?? []).filter((s) => s.value[1] === '1').map((s) => s.metric.instance).sort();
      return upInstances.length === PIPELINE_INSTANCES.length ? r.data!.result : undefined;
    },
    60_000,
    500,
  );
  assert.deepEqual(up.map((s) => s.metric.instance).sort(), PIPELINE_INSTANCES);
  for (const s of up) assert.equal(s.metric.role, targets.find((g) => g.labels.instance === s.metric.instance)!.labels.role);

  for (const counter of ['sum(oc_stream_messages_sent_total{role="collector"})', 'sum(oc_sink_rows_written_total)']) {
    const value = await eventually(`${counter} > 0`, async () => {
      const v = Number((await promQuery(prometheus, counter)).data?.result[0]?.value[1] ?? 0);
      return v > 0 ? v : undefined;
    }, 120_000, 1_000);
    assert.ok(value > 0, `${counter} = ${value}`);
  }

  // The names every role exports, from their live /metrics, not from a list in this test.
  const exported = new Set(PROMETHEUS_OWN);
  for (const g of targets) for (const n of exportedMetricNames(await (await fetch(`http://${g.targets[0]}/metrics`)).text())) exported.add(n);
  assert.ok(exported.has('oc_stream_consumer_lag_messages') && exported.has('oc_registry_writes_total'), 'the scrape saw the stream and registry metrics');

  const dashboards = DASHBOARD_FILES.map(readDashboard);
  for (const d of dashboards) assert.deepEqual(unknownMetricNames(d, exported), [], `${d.title}: metrics no role exports`);
  for (const [alert, expr] of alertExpressions()) assert.deepEqual(metricNamesOf(expr).filter((n) => !exported.has(n)), [], `alert ${alert}: metrics no role exports`);
  // A dashboard naming a metric that does not exist fails the same check.
  const broken = JSON.parse(JSON.stringify(dashboards[0]).replaceAll('oc_sink_rows_written_total', 'oc_sink_rows_writen_total')) as Dashboard;
  assert.match(unknownMetricNames(broken, exported).join('\n'), /oc_sink_rows_writen_total is not exported/);

  // Prometheus parses every panel query (with Grafana's $__rate_interval as a range).
  for (const d of dashboards)
    for (const { where, target } of queriesOf(d)) {
      if (target.expr === undefined) continue;
      const r = await promQuery(prometheus, target.expr.replaceAll('$__rate_interval', '1m'));
      assert.equal(r.status, 'success', `${where}: ${r.error}`);
    }
  // The alert rules loaded and evaluate without error.
  await eventually('every alert rule evaluated', async () => {
    const groups = ((await (await fetch(`${prometheus}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] } }).data.groups;
    const rules = groups.flatMap((g) => g.rules);
    assert.equal(rules.length, alertExpressions().size);
    for (const r of rules) assert.notEqual(r.health, 'err', `${r.name}: ${r.lastError}`);
    return rules.every((r) => r.health === 'ok') ? true : undefined;
  }, 30_000, 500);

  // SQL panels read relations of the database the sink migrated, and PostgreSQL plans them.
  const missing = async (sql: string) => {
    const out: string[] = [];
    for (const rel of relationsOf(sql)) if (!(await client.query('SELECT to_regclass($1) IS NOT NULL AS ok', [rel])).rows[0].ok) out.push(rel);
    return out;
  };
  for (const d of dashboards)
    for (const { where, target } of queriesOf(d)) {
      if (target.rawSql === undefined) continue;
      assert.deepEqual(await missing(target.rawSql), [], `${where}: relations missing from the migrated database`);
      await client.query(`EXPLAIN ${expandGrafanaMacros(target.rawSql)}`).catch((err: Error) => assert.fail(`${where}: PostgreSQL refuses the query: ${err.message}`));
    }
  assert.deepEqual(await missing('SELECT * FROM interface_trafic'), ['interface_trafic'], 'a wrong view name is caught');

  // What scraping costs, for the record (Prometheus measures it on every scrape).
  for (const metric of ['scrape_samples_scraped', 'scrape_duration_seconds'])
    t.diagnostic(`${metric}: ${(await promQuery(prometheus, metric)).data!.result.map((s) => `${s.metric.instance}=${Number(s.value[1]).toPrecision(3)}`).sort().join(' ')}`);

  // A role stopped on purpose leaves the targets file; one that dies stays, and shows as down.
  await pipeline.roles.get('api')!.stop();
  await pipeline.killRole('collector-1');
  const after = JSON.parse(readFileSync(pipeline.scrapeTargets.file, 'utf8')) as { labels: { instance: string } }[];
  assert.deepEqual(after.map((g) => g.labels.instance).sort(), PIPELINE_INSTANCES.filter((n) => n !== 'api'));
  await eventually('up=0 for the killed collector', async () => ((await promQuery(prometheus, 'up{instance="collector-1"} == 0')).data?.result.length === 1 ? true : undefined), 20_000, 500);
});

// The notifier against real receivers: Kafka (prefixed topics), an HTTP webhook receiver that
// checks the HMAC signature and fails once, an aiosmtpd SMTP server, and Redis for the dedup that
// survives a restart. And a webhook receiver that redirects elsewhere (issue 15): the signed
// delivery is not re-sent to the redirect's target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, connect } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { projectRoot } from '../../infra/supervisor.js';
import { createLogger } from '../../common/log.js';
import { connectStreams } from '../../streams/index.js';
import { testEnv, uniquePrefix, streamConfig, eventually } from '../../test/env.js';
import type { AnomalyEvent, Device } from '../../schemas/types.js';
import { register } from 'prom-client';
import { Redis } from 'ioredis';
import { startNotifier } from './notifier.js';
import { parseRoutes } from './routes.js';
import { postSigned, signBody } from './webhook.js';
import { OpsError } from '../../common/errors.js';

const venvPython = join(projectRoot, '.cache', 'venv', 'bin', 'python');
const secret = 'test-secret-' + randomBytes(4).toString('hex');

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

function device(deviceId: string, site: string, role: string): Device {
  return { deviceId, hostname: deviceId, address: '192.0.2.1', site, role, platform: 'junos', vendor: 'juniper', status: 'active', tags: [], labels: {}, snmp: null, updatedAt: Date.now() };
}

function anomaly(seriesKey: string, startedAt: number, state: AnomalyEvent['state'], ts: number, reason: string): AnomalyEvent {
  const deviceId = seriesKey.split('/')[0];
  return {
    anomalyId: createHash('sha1').update(`${seriesKey}|${startedAt}`).digest('hex').slice(0, 32),
    state, seriesKey, deviceId, metric: 'rx_power_dbm', labels: { ifName: 'xe-0/0/0' },
    startedAt, ts, endedAt: state === 'CLOSE' ? ts : null, severity: 'CRITICAL', score: 1,
    observed: -40, expected: -7.2, lower: -8.1, upper: -6.3, detector: 'rule:optical-rx-low', reason,
  };
}

test('notifier pages OPEN and CLOSE once each, by route, to a signed webhook and SMTP', { timeout: 55_000 }, async () => {
  const logger = createLogger({ test: 'notifier' }, 'warn');
  const prefix = uniquePrefix('notify');
  const streams = await connectStreams({ config: streamConfig(prefix), clientId: 'notify-test', logger, writes: ['anomalies', 'inventory'] });

  // Webhook receiver: verifies the signature; answers 500 to the first request to prove retries.
  const received: { body: any; signatureOk: boolean }[] = [];
  let requests = 0;
  const http: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests++;
      if (requests === 1) return void res.writeHead(500).end('try again');
      received.push({ body: JSON.parse(body), signatureOk: req.headers['x-opsconductor-signature'] === signBody(body, secret) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const httpPort = (http.address() as { port: number }).port;

  // SMTP server: aiosmtpd's default Debugging handler prints each message to stdout.
  const smtpPort = await freePort();
  const smtp: ChildProcess = spawn(venvPython, ['-u', '-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${smtpPort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let mailOut = '';
  smtp.stdout!.on('data', (d) => (mailOut += d));
  smtp.stderr!.on('data', (d) => (mailOut += d));
  await eventually('aiosmtpd listening', () => new Promise<true | undefined>((r) => {
    const s = connect(smtpPort, '127.0.0.1', () => { s.destroy(); r(true); });
    s.on('error', () => r(undefined));
  }), 15_000);

  const routes = parseRoutes(`
routes:
  - name: core-hooks
    match: { deviceRoles: [core], sites: [lab-a] }
    webhook: { url: "http://127.0.0.1:${httpPort}/hook", secret: "${secret}" }
  - name: noc-mail
    match: { severities: [critical, major], devices: [rtr-1] }
    email: { smtpHost: 127.0.0.1, smtpPort: ${smtpPort}, from: oc@example.net, to: [noc@example.net] }
  - name: edge-only
    match: { deviceRoles: [edge] }
    webhook: { url: "http://127.0.0.1:${httpPort}/never", secret: x }
`);
  const groupId = 'notifier-' + randomBytes(3).toString('hex');
  const opts = { streams, groupId, routes, quietMs: 15 * 60_000, logger, redisUrl: testEnv.redisUrl, redisKeyPrefix: `${prefix}sent:`, webhook: { baseDelayMs: 50 } };
  let notifier = await startNotifier(opts);
  try {
    await streams.producer.send(streams.topics.inventory, [{ key: 'rtr-1', value: device('rtr-1', 'lab-a', 'core') }]);
    await eventually('inventory loaded', () => (notifier.devices.get('rtr-1')?.role === 'core' ? true : undefined), 20_000);

    const series = 'rtr-1/rx_power_dbm{ifName=xe-0/0/0}';
    const t0 = Date.parse('2026-11-23T10:00:00Z');
    const reason = 'rx_power on xe-0/0/0 -40.00 dBm below sensitivity -28.00 dBm (no light)';
    const open = anomaly(series, t0, 'OPEN', t0, reason);
    const flap = anomaly(series, t0, 'UPDATE', t0 + 120_000, 're-opened (flapping, re-open 1)');
    const close = anomaly(series, t0, 'CLOSE', t0 + 300_000, 'back to normal');
    const reopenSoon = anomaly(series, t0 + 600_000, 'OPEN', t0 + 600_000, 'second anomaly within the quiet period');
    const rec = (v: AnomalyEvent) => ({ key: v.deviceId, value: v, timestamp: v.ts });
    // The OPEN twice: a redelivered message must not page twice.
    await streams.producer.send(streams.topics.anomalies, [rec(open), rec(open), rec(flap), rec(close), rec(reopenSoon)]);

    await eventually('OPEN and CLOSE at the webhook', () => (received.length >= 2 ? true : undefined), 25_000);
    await eventually('two mails at aiosmtpd', () => ((mailOut.match(/rx_power on xe-0\/0\/0 -40\.00 dBm/g) ?? []).length >= 1 && mailOut.includes('back to normal') ? true : undefined), 15_000);
    await new Promise((r) => setTimeout(r, 1_500)); // room for a duplicate to show up, if any

    assert.ok(received.every((r) => r.signatureOk), 'every webhook carries a valid HMAC signature');
    assert.deepEqual(received.map((r) => `${r.body.anomaly.anomalyId}:${r.body.anomaly.state}`), [`${open.anomalyId}:OPEN`, `${open.anomalyId}:CLOSE`]);
    assert.equal(requests, 3, 'one 500, then one retry that succeeded, then the CLOSE');
    assert.equal(received[0].body.route, 'core-hooks');
    assert.equal(received[0].body.device.site, 'lab-a');
    assert.match(mailOut, /rtr-1/);
    assert.match(mailOut, /Subject: \[CRITICAL\] OPEN: rtr-1 rx_power_dbm/);
    assert.match(mailOut, /Subject: \[CRITICAL\] RESOLVED: rtr-1 rx_power_dbm/);
    assert.doesNotMatch(mailOut, /second anomaly within the quiet period|flapping/, 'neither UPDATEs nor a quiet-period OPEN page');

    const counters = await register.getSingleMetricAsString('oc_notify_suppressed_total');
    for (const reason of ['update', 'quiet', 'duplicate']) assert.match(counters, new RegExp(`reason="${reason}"} [1-9]`), `suppressed ${reason} counted`);
    const sent = await register.getSingleMetricAsString('oc_notify_sent_total');
    assert.match(sent, /channel="webhook",route="core-hooks"} 2/);
    assert.match(sent, /channel="email",route="noc-mail"} 2/);

    // A restart with a fresh group replays the whole topic: Redis remembers what was delivered.
    await notifier.stop();
    const before = { hooks: requests, mail: mailOut.length };
    notifier = await startNotifier({ ...opts, groupId: groupId + '-replay' });
    await eventually('replaying notifier ready', () => (notifier.ready() ? true : undefined), 20_000);
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal(requests, before.hooks, 'no webhook on replay');
    assert.equal(mailOut.length, before.mail, 'no mail on replay');
  } finally {
    await notifier.stop();
    await streams.admin.deleteTopics(Object.values(streams.topics).filter((t) => t.startsWith(prefix))).catch(() => undefined);
    await streams.close();
    smtp.kill('SIGTERM');
    const redis = new Redis(testEnv.redisUrl);
    const keys = await redis.keys(`${prefix}sent:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await new Promise((r) => http.close(r));
  }
});

test('a webhook that redirects does not get its signed delivery re-sent elsewhere (not followed, not retried)', { timeout: 15_000 }, async () => {
  const stolen: Array<Record<string, unknown>> = [];
  const thief = createServer((req, res) => {
    stolen.push({ url: req.url, signature: req.headers['x-opsconductor-signature'] });
    res.writeHead(200).end();
  });
  await new Promise<void>((r) => thief.listen(0, '127.0.0.1', r));
  let asked = 0;
  const redirector = createServer((req, res) => {
    asked++;
    res.writeHead(307, { location: `http://127.0.0.1:${(thief.address() as { port: number }).port}/collect?token=abc` }).end();
  });
  await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(redirector.address() as { port: number }).port}/hook`;
    const err = await postSigned(url, secret, { hello: 'noc' }, { attempts: 3, baseDelayMs: 10 }).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof OpsError, String(err));
    assert.match(err.message, /HTTP 307 \(to http:\/\/127\.0\.0\.1:\d+\/collect\): redirects are not followed/);
    assert.doesNotMatch(err.message, /token=abc/, 'the location\'s query is not logged');
    assert.equal(err.canRetry, false);
    assert.deepEqual(stolen, [], 'nothing reached the redirect\'s target');
    assert.equal(asked, 1, 'a redirect is final: not retried');
  } finally {
    thief.close();
    redirector.close();
  }
});

// Routes parsing and matching (pure), and webhook retries / give-up against a real HTTP server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { parseRoutes, routeMatches } from './routes.js';
import { postSigned, signBody } from './webhook.js';

test('routes: criteria combine with AND, an absent one matches everything', { timeout: 5_000 }, () => {
  const [r] = parseRoutes(`
- name: core-major
  match: { severities: [major, critical], sites: [ams1], deviceRoles: [core] }
  webhook: { url: "http://127.0.0.1:1/x", secret: s }
`);
  assert.equal(routeMatches(r, { severity: 'MAJOR', deviceId: 'a' }, { site: 'ams1', role: 'core' }), true);
  assert.equal(routeMatches(r, { severity: 'MINOR', deviceId: 'a' }, { site: 'ams1', role: 'core' }), false);
  assert.equal(routeMatches(r, { severity: 'MAJOR', deviceId: 'a' }, { site: 'fra1', role: 'core' }), false);
  assert.equal(routeMatches(r, { severity: 'MAJOR', deviceId: 'a' }, {}), false, 'a device missing from the inventory matches no site');
  const [all] = parseRoutes('routes: [{ name: all, email: { smtpHost: h, from: a@b, to: [c@d] } }]');
  assert.equal(routeMatches(all, { severity: 'INFO', deviceId: 'x' }, {}), true);
  assert.equal(all.email!.smtpPort, 25);
});

test('routes: a bad file fails with CONFIG_INVALID naming the route', { timeout: 5_000 }, () => {
  assert.throws(() => parseRoutes('- name: r1\n  match: {}\n'), { code: 'CONFIG_INVALID', message: /route 0 \(r1\) needs a webhook or an email/ });
  assert.throws(() => parseRoutes('- name: r2\n  webhook: { url: nope, secret: s }\n'), { code: 'CONFIG_INVALID', message: /r2.*not a URL/ });
  assert.throws(() => parseRoutes('{ foo: 1 }'), { code: 'CONFIG_INVALID' });
  assert.throws(() => parseRoutes('- name: r3\n  webhook: { url: "http://h/", secret: s }\n  closeAcknowledged: yes please\n'), { code: 'CONFIG_INVALID', message: /r3.*closeAcknowledged must be true or false/ });
  assert.equal(parseRoutes('- name: r4\n  webhook: { url: "http://h/", secret: s }\n')[0].closeAcknowledged, false, 'an acknowledged CLOSE is not sent unless asked for');
});

test('routes: an escalation names another route and a delay in minutes', { timeout: 5_000 }, () => {
  const routes = parseRoutes(`
- name: first
  webhook: { url: "http://127.0.0.1:1/x", secret: s }
  escalation: { afterMinutes: 10, to: second }
- name: second
  email: { smtpHost: h, from: a@b, to: [c@d] }
`);
  assert.deepEqual(routes[0].escalation, { afterMs: 600_000, to: 'second' });
  const hook = '  webhook: { url: "http://127.0.0.1:1/x", secret: s }\n';
  assert.throws(() => parseRoutes(`- name: a\n${hook}  escalation: { afterMinutes: 5, to: nobody }\n`), { code: 'CONFIG_INVALID', message: /route a escalation\.to names "nobody", which is not a route/ });
  assert.throws(() => parseRoutes(`- name: a\n${hook}  escalation: { afterMinutes: 5, to: a }\n`), { message: /another route/ });
  assert.throws(() => parseRoutes(`- name: a\n${hook}  escalation: { afterMinutes: 0, to: b }\n- name: b\n${hook}`), { message: /afterMinutes must be a number of minutes above 0/ });
});

test('webhook: retries 5xx with backoff, then gives up with NOTIFY_WEBHOOK_FAILED; 4xx is not retried', { timeout: 10_000 }, async () => {
  let hits = 0;
  let status = 503;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits++;
      assert.equal(req.headers['x-opsconductor-signature'], signBody(body, 'k'));
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  try {
    await assert.rejects(postSigned(url, 'k', { a: 1 }, { attempts: 3, baseDelayMs: 20 }), { code: 'NOTIFY_WEBHOOK_FAILED', message: /HTTP 503/ });
    assert.equal(hits, 3);
    hits = 0;
    status = 401;
    await assert.rejects(postSigned(url, 'k', { a: 1 }, { attempts: 3, baseDelayMs: 20 }), { code: 'NOTIFY_WEBHOOK_FAILED' });
    assert.equal(hits, 1);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

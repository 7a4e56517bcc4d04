// MCP's links (FREs) read from the lab's MCP simulator over HTTP: paged with their included
// endpoints, TPEs and network constructs; a far end MCP does not manage named by its manual
// construct; planned-only FREs and other service classes not asked for. Bad replies (wrong field
// types, garbage JSON, an answer without end, HTTP 500) are McpErrors naming the problem; FREs that
// are not one port to one port are skipped with the reason.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLogger } from '../../common/log.js';
import { startMcpSimulator, type McpSimulator } from '../../infra/lab/ciena/mcp-simulator.js';
import { applyCienaScenario } from '../../infra/lab/ciena/scenarios.js';
import { McpClient } from './mcp-client.js';
import { mcpLinksOf, readMcpLinks } from './mcp-links.js';
import { cienaPollerMetrics } from './metrics.js';

const logger = createLogger({ test: 'mcp-links' }, 'error');
let sim: McpSimulator;

before(async () => {
  sim = await startMcpSimulator({
    elements: [{ name: 'ws-1', ipAddress: '127.0.1.1' }, { name: 'ws-2', ipAddress: '127.0.1.2' }],
    links: [
      { a: { name: 'ws-1', port: '1/1' }, b: { name: 'ws-2', port: '1/2' } },
      { a: { name: 'ws-1', port: '1/3' }, b: { name: 'core-r9', port: 'HundredGigE0/0/0/4' } }, // a router MCP learnt by LLDP
      { a: { name: 'ws-2', port: '2/1' }, b: { name: 'ws-1', port: '2/1' }, serviceClass: 'Fiber' },
      { a: { name: 'ws-2', port: '1/4' }, b: { name: 'ws-1', port: '1/4' }, resourceState: 'planned' }, // intent only
      { a: { name: 'ws-2', port: '1/5' }, b: { name: 'ws-1', port: '1/5' }, serviceClass: 'EVC' }, // a service, not a link
    ],
    pageSize: 2,
    logger,
  });
});

after(async () => {
  await sim?.close();
});

const clientOf = (over: Partial<ConstructorParameters<typeof McpClient>[0]> = {}) =>
  new McpClient({ baseUrl: sim.url, username: sim.username, password: sim.password, timeoutMs: 5_000, ...over }, cienaPollerMetrics());

test('discovered LLDP and Fiber FREs over several pages, with their ports and elements from "included"', { timeout: 10_000 }, async () => {
  const requestsBefore = sim.stats().requests;
  const read = await readMcpLinks(clientOf());
  assert.deepEqual(read.skipped, []);
  assert.deepEqual(
    read.links.map((l) => `${l.a.neName} ${l.a.port} - ${l.b.neName} ${l.b.port}`),
    ['ws-1 1/1 - ws-2 1/2', 'ws-1 1/3 - core-r9 HundredGigE0/0/0/4', 'ws-2 2/1 - ws-1 2/1'],
    'planned-only and EVC FREs are not links',
  );
  assert.ok(sim.stats().requests - requestsBefore >= 3, 'three FREs at two a page: two pages and a login at least');
  const [first, toRouter] = read.links;
  assert.equal(first.a.networkConstructId, sim.element('ws-1')!.id);
  assert.equal(first.freId, sim.links[0].freId);
  assert.match(toRouter.b.networkConstructId, /^nc-manual-/, 'the router is a manual construct of MCP');
});

test('a link added in MCP is read at the next call, a removed one is gone', { timeout: 10_000 }, async () => {
  const added = applyCienaScenario(sim, { addLink: { a: { name: 'ws-1', port: '1/8' }, b: { name: 'ws-2', port: '1/8' } } });
  const freId = /link (\S+) added/.exec(added.applied[0])![1];
  assert.ok((await readMcpLinks(clientOf())).links.some((l) => l.freId === freId));
  applyCienaScenario(sim, { removeLink: freId });
  assert.ok(!(await readMcpLinks(clientOf())).links.some((l) => l.freId === freId));
  assert.throws(() => applyCienaScenario(sim, { removeLink: freId }), /no link/);
});

test('bad replies are McpErrors that name the problem: wrong types, garbage JSON, HTTP 500, an answer without end', { timeout: 30_000 }, async () => {
  const failure = async (fault: Parameters<McpSimulator['setFault']>[0], client = clientOf()) => {
    sim.setFault(fault);
    try {
      await readMcpLinks(client);
    } catch (err) {
      return err as { code: string; message: string };
    } finally {
      sim.setFault('none');
    }
    assert.fail(`fault ${fault}: the read succeeded`);
  };
  const wrongTypes = await failure('fres-wrong-types');
  assert.equal(wrongTypes.code, 'MCP_SHAPE');
  assert.match(wrongTypes.message, /^MCP GET \/nsi\/api\/v2\/search\/fres: FRE #0 id is a number, not a non-empty string/);
  assert.equal((await failure('garbage-json')).code, 'MCP_BAD_JSON');
  const e500 = await failure('http-500');
  assert.equal(e500.code, 'MCP_HTTP');
  assert.match(e500.message, /HTTP 500/);
  const sentBefore = sim.stats().endlessBytes;
  const huge = await failure('endless-body', clientOf({ maxBodyBytes: 1 << 20, timeoutMs: 20_000 }));
  assert.equal(huge.code, 'MCP_TOO_LARGE');
  assert.match(huge.message, /fres: MCP sent a body of more than the 1048576 bytes allowed/);
  assert.ok(sim.stats().endlessBytes - sentBefore < 16 << 20, 'the reader stopped at the cap');
  assert.equal((await readMcpLinks(clientOf())).links.length, 3, 'the next read works');
});

test('FREs of another shape: more than two endpoints or a LAG end are skipped with the reason; a missing TPE or a relationship of the wrong type is MCP_SHAPE', () => {
  const ep = (id: string, tpes: string[]) => ({ id, type: 'endPoints', relationships: { tpes: { data: tpes.map((t) => ({ type: 'tpes', id: t })) } } });
  const tpe = (id: string, port: unknown) => ({ id, type: 'tpes', attributes: { nativeName: port }, relationships: { networkConstruct: { data: { type: 'networkConstructs', id: 'nc-1' } } } });
  const fre = (id: string, eps: string[]) => ({ id, type: 'fres', relationships: { endPoints: { data: eps.map((e) => ({ type: 'endPoints', id: e })) } } });
  const included = [ep('m:1', ['t1']), ep('m:2', ['t2']), ep('m:3', ['t3']), ep('lag:1', ['t1', 't2']), ep('lag:2', ['t3']), tpe('t1', '1/1'), tpe('t2', '1/2'), tpe('t3', '1/3')];
  const read = mcpLinksOf([fre('m', ['m:1', 'm:2', 'm:3']), fre('lag', ['lag:1', 'lag:2'])], included);
  assert.deepEqual(read.links, []);
  assert.deepEqual(read.skipped, ['FRE m has 3 endpoints, not a link between two ports', 'FRE lag: endpoint lag:1 terminates on 2 TPEs (a LAG or a protected pair), not one port']);
  const ok = mcpLinksOf([fre('p', ['m:1', 'm:2'])], included);
  assert.deepEqual(ok.links, [{ freId: 'p', a: { networkConstructId: 'nc-1', neName: null, port: '1/1' }, b: { networkConstructId: 'nc-1', neName: null, port: '1/2' } }]);
  assert.throws(() => mcpLinksOf([fre('p', ['m:1', 'm:2'])], included.filter((r) => r.id !== 't2')), (e: { code?: string; message: string }) => e.code === 'MCP_SHAPE' && /TPE t2 of FRE p is not in "included"/.test(e.message));
  assert.throws(() => mcpLinksOf([fre('p', ['m:1', 'm:2'])], [...included.filter((r) => r.id !== 't1'), tpe('t1', 7)]), /TPE t1 attributes\.nativeName is a number/);
  assert.throws(() => mcpLinksOf([{ id: 'x', relationships: { endPoints: { data: 'x:1' } } }], included), /FRE x relationships\.endPoints\.data is "x:1", not an array/);
});

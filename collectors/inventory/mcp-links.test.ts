// Ciena MCP as the third source of inventory.links, against the lab with its MCP simulator (which
// reports every cable of the lab's Ciena device as an FRE), its NetBox simulator and LLDP tables,
// and the real Kafka + registry: a cable MCP sees carries "mcp" beside "netbox" and "lldp"; a link
// only MCP reports is the difference event; an MCP that fails (wrong types, garbage, a reply
// without end, down) changes nothing on the topic; a link MCP stops reporting loses its source.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLogger } from '../../common/log.js';
import type { CredentialStore } from '../../credentials/credential-store.js';
import { DIFFERENCE, linkIdOf } from '../../devices/links.js';
import type { CienaScenario } from '../../infra/lab/ciena/scenarios.js';
import type { SimLink } from '../../infra/lab/ciena/mcp-simulator.js';
import type { Lab } from '../../infra/lab/lab.js';
import type { NetboxSim } from '../../infra/lab/netbox-sim.js';
import type { LabCable } from '../../infra/lab/lab-links.js';
import type { Link } from '../../schemas/types.js';
import type { Streams } from '../../streams/index.js';
import { LINKS_LAB_NETBOX_TOKEN, startLinksLab } from '../../test/links-lab.js';
import { readCompactedTopic } from '../../streams/inventory-topic.js';
import { syncLinks } from './links-sync.js';

const logger = createLogger({ test: 'mcp-links-sync' }, 'error');
const TOKEN = LINKS_LAB_NETBOX_TOKEN;
let fixture: Awaited<ReturnType<typeof startLinksLab>>;
let lab: Lab;
let netbox: NetboxSim;
let streams: Streams;
let store: CredentialStore;

before(async () => {
  fixture = await startLinksLab('mcplinks', { mcp: true, logger });
  ({ lab, netbox, streams, store } = fixture);
}, { timeout: 60_000 });

after(async () => {
  await fixture?.close();
});

const mcp = (over: { maxBodyBytes?: number; baseUrl?: string } = {}) => ({ baseUrl: lab.mcp!.url, username: lab.mcp!.username, password: lab.mcp!.password, timeoutMs: 10_000, ...over });
const sync = (over?: Parameters<typeof mcp>[0]) => syncLinks({ streams, logger, netbox: { url: netbox.url, token: TOKEN }, mcp: mcp(over), credentials: store });
const onTopic = () => readCompactedTopic<Link>(streams, streams.topics.links, logger);
const idOf = (c: LabCable) => linkIdOf({ deviceId: c.a.deviceId, ifName: c.a.ifName }, { deviceId: c.b.deviceId, ifName: c.b.ifName });
const ciena = () => lab.devices.filter((d) => d.vendor === 'ciena').map((d) => d.deviceId);
const cienaCable = (c: LabCable) => ciena().includes(c.a.deviceId) || ciena().includes(c.b.deviceId);

/** A scenario through the lab's HTTP API, as an operator of the lab would send it. */
async function scenario(body: CienaScenario): Promise<string[]> {
  const res = await fetch(`${lab.url}/scenarios/ciena`, { method: 'POST', body: JSON.stringify(body) });
  const reply = (await res.json()) as { applied: string[]; message?: string };
  assert.equal(res.status, 200, reply.message);
  return reply.applied;
}
const mcpLinks = async () => ((await (await fetch(`${lab.url}/protocols`)).json()) as { mcp: { links: SimLink[] } }).mcp.links;
const addLink = async (l: NonNullable<CienaScenario['addLink']>) => /link (\S+) added/.exec((await scenario({ addLink: l }))[0])![1];

test('every cable of the Ciena device is a CONFIRMED link seen by MCP, LLDP and NetBox; the others by LLDP and NetBox', { timeout: 60_000 }, async () => {
  assert.ok(lab.mcp, 'the lab runs its MCP simulator');
  assert.ok(lab.cables.some(cienaCable) && lab.cables.some((c) => !cienaCable(c)), 'cables with and without a Ciena end');
  const report = await sync();
  assert.equal(report.mcpError, null, report.mcpError?.message);
  assert.deepEqual([report.walkFailures, report.skippedFres, report.unknownNeighbours], [[], [], []]);
  assert.equal(report.links, lab.cables.length, 'MCP adds sources, not links');
  assert.equal(report.differences.length, 0, JSON.stringify(report.differences));
  const links = await onTopic();
  for (const c of lab.cables) {
    const link = links.get(idOf(c));
    assert.ok(link, `cable ${c.id} is a link`);
    assert.deepEqual(link.sources, cienaCable(c) ? ['lldp', 'mcp', 'netbox'] : ['lldp', 'netbox'], `${link.linkId}`);
    assert.equal(link.state, 'CONFIRMED');
  }
  const again = await sync();
  assert.equal(again.published + again.tombstoned, 0, 'nothing changed');
});

test('an MCP that fails in any way changes nothing on the topic: its links are kept, the error says why', { timeout: 90_000 }, async () => {
  const before = await onTopic();
  const cases: Array<{ fault: NonNullable<CienaScenario['fault']>; over?: Parameters<typeof mcp>[0]; code: string; says: RegExp }> = [
    { fault: 'fres-wrong-types', code: 'MCP_SHAPE', says: /fres: FRE #0 id is a number/ },
    { fault: 'garbage-json', code: 'MCP_BAD_JSON', says: /not JSON/ },
    { fault: 'endless-body', over: { maxBodyBytes: 1 << 20 }, code: 'MCP_TOO_LARGE', says: /more than the 1048576 bytes allowed/ },
    { fault: 'none', over: { baseUrl: 'http://127.0.0.1:9' }, code: 'MCP_CONNECT', says: /MCP unreachable/ },
  ];
  for (const c of cases) {
    await scenario({ fault: c.fault });
    try {
      const report = await sync(c.over);
      assert.equal(report.mcpError?.code, c.code, `${c.fault}: ${report.mcpError?.message}`);
      assert.match(report.mcpError.message, c.says);
      assert.ok(!report.mcpError.message.includes(lab.mcp!.password), 'no password in the error');
      assert.equal(report.published + report.tombstoned, 0, `${c.fault}: nothing published`);
    } finally {
      await scenario({ fault: 'none' });
    }
  }
  assert.deepEqual(await onTopic(), before);
});

test('a link only MCP reports is the difference event "MCP link not in NetBox"; an end outside the inventory is counted; a link MCP drops loses its source', { timeout: 60_000 }, async () => {
  const [r3] = ciena();
  const saos = lab.devices.find((d) => d.deviceId === r3)!;
  const other = lab.devices.find((d) => d.vendor !== 'ciena')!;
  const spare = (d: typeof saos) => d.interfaces.find((i) => !lab.cables.some((c) => (c.a.deviceId === d.deviceId && c.a.ifName === i.name) || (c.b.deviceId === d.deviceId && c.b.ifName === i.name)))!;
  const a = { deviceId: saos.deviceId, ifName: spare(saos).name };
  const b = { deviceId: other.deviceId, ifName: spare(other).name };
  const only = await addLink({ a: { name: saos.hostname, port: a.ifName }, b: { name: other.hostname, port: b.ifName } });
  const stranger = await addLink({ a: { name: saos.hostname, port: a.ifName }, b: { name: 'cpe-4711.customer.example', port: 'ge-0/0/0' } });
  const report = await sync();
  assert.equal(report.published, 1, 'only the new link');
  assert.deepEqual(report.unknownNeighbours, ['mcp: cpe-4711.customer.example ge-0/0/0']);
  const link = (await onTopic()).get(linkIdOf(a, b))!;
  assert.deepEqual([link.state, link.difference, link.sources], ['UNDOCUMENTED', DIFFERENCE.mcpNotCabled, ['mcp']]);

  await scenario({ removeLink: only });
  await scenario({ removeLink: stranger });
  const cabled = lab.cables.find(cienaCable)!;
  const dropped = (await mcpLinks()).find((l) => [l.a, l.b].some((e) => e.port === cabled.a.ifName && e.name === cabled.a.hostname))!;
  await scenario({ removeLink: dropped.freId });
  try {
    const healed = await sync();
    assert.deepEqual([healed.published, healed.tombstoned], [1, 1], 'the cable without "mcp", the MCP-only link gone');
    const after = await onTopic();
    assert.equal(after.get(linkIdOf(a, b)), undefined);
    assert.deepEqual(after.get(idOf(cabled))!.sources, ['lldp', 'netbox']);
  } finally {
    await scenario({ addLink: { a: dropped.a, b: dropped.b } });
  }
});

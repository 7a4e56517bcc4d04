// The receiver's SNMP side on a real UDP socket, with net-snmp's own sender playing the devices:
// every version's notification arrives in the SNMPv2 form, an inform is acknowledged only when
// the caller says so (and re-sent by its sender until then), and refused datagrams are reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../../infra/supervisor.js';
import { linkVarbinds, sendNotification } from '../../infra/lab/trap-sender.js';
import { labV3User } from '../../infra/lab/v3-users.js';
import { listenForTraps, type Received } from './listener.js';
import { parseNotification } from './notification.js';
import { usmUserOf } from '../snmp/session-pool.js';
import { dedupKey } from './notification.js';

async function listener(t: import('node:test').TestContext, autoAck = true) {
  const got: Received[] = [];
  const rejected: Error[] = [];
  const l = await listenForTraps({
    host: '127.0.0.1',
    port: await freePort(),
    onNotification: (n) => {
      got.push(n);
      if (autoAck) n.ack?.();
    },
    onRejected: (err) => rejected.push(err),
  });
  l.setCommunities(['public-r1']);
  l.setUsers([usmUserOf(labV3User('lab-sha-aes').credential)]);
  t.after(() => l.close());
  return { l, got, rejected, to: { address: '127.0.0.1', port: l.port } };
}

const until = async (what: string, check: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

test('v1, v2c and v3 traps and informs all arrive as SNMPv2 notifications (RFC 3584 for v1)', async (t) => {
  const { got, to } = await listener(t);
  const vbs = linkVarbinds({ ifIndex: 3, ifName: 'xe-0/0/3', up: false });
  await sendNotification(to, { version: 'v1', community: 'public-r1' }, 'linkDown', vbs, { upTime: 4242 });
  await sendNotification(to, { version: 'v2c', community: 'public-r1' }, 'linkDown', vbs);
  await sendNotification(to, { version: 'v2c', community: 'public-r1' }, 'coldStart', [], { inform: true });
  await sendNotification(to, { version: 'v3', credential: labV3User('lab-sha-aes').credential, context: 'lab-r1' }, 'linkUp', linkVarbinds({ ifIndex: 3, up: true }));
  await sendNotification(to, { version: 'v3', credential: labV3User('lab-sha-aes').credential, context: 'lab-r1' }, 'warmStart', [], { inform: true });
  await until('five notifications', () => got.length === 5);
  const parsed = got.map((n) => parseNotification(n.pdu, n.from, n.version, 0));
  assert.deepEqual(
    parsed.map((p) => [p.version, p.pduType, p.trapOid]),
    [
      ['V1', 'TRAP', '1.3.6.1.6.3.1.1.5.3'],
      ['V2C', 'TRAP', '1.3.6.1.6.3.1.1.5.3'],
      ['V2C', 'INFORM', '1.3.6.1.6.3.1.1.5.1'],
      ['V3', 'TRAP', '1.3.6.1.6.3.1.1.5.4'],
      ['V3', 'INFORM', '1.3.6.1.6.3.1.1.5.2'],
    ],
  );
  const v1 = parsed[0];
  assert.equal(v1.agentUpTime, 4242, 'the v1 time-stamp becomes sysUpTime.0');
  assert.deepEqual(
    v1.values.map((v) => [v.name, v.index, v.number ?? v.text]),
    [
      ['ifIndex', '3', 3],
      ['ifAdminStatus', '3', 1],
      ['ifOperStatus', '3', 2],
      ['ifName', '3', 'xe-0/0/3'],
      ['1.3.6.1.6.3.18.1.3.0', '', '127.0.0.1'], // snmpTrapAddress.0
      ['1.3.6.1.6.3.1.1.4.3.0', '', '1.3.6.1.4.1'], // snmpTrapEnterprise.0
    ],
  );
  assert.deepEqual([parsed[3].user, parsed[3].context], ['lab-sha-aes', 'lab-r1'], 'v3 keeps user and context');
  assert.equal(parsed[1].user, null, 'no community or user recorded for v2c');
  assert.equal(got[0].ack, null, 'a trap has nothing to acknowledge');
  assert.equal(typeof got[2].ack, 'function');
});

test('an inform is not acknowledged until the caller acks: its sender re-sends the same request, then succeeds', async (t) => {
  const { got, to } = await listener(t, false);
  let settled: string | null = null;
  const sent = sendNotification(to, { version: 'v2c', community: 'public-r1' }, 'linkDown', linkVarbinds({ ifIndex: 1, up: false }), { inform: true, timeoutMs: 200, retries: 5 }).then(
    () => (settled = 'acknowledged'),
    (err) => (settled = `failed: ${err.message}`),
  );
  await until('a re-send', () => got.length >= 2);
  assert.equal(settled, null, 'no acknowledgement reached the sender yet');
  const keys = got.map((n) => dedupKey(n.from.address, parseNotification(n.pdu, n.from, n.version, 0)));
  assert.equal(new Set(keys).size, 1, 'a re-send is the same notification (same dedup key)');
  got.at(-1)!.ack!();
  await sent;
  assert.equal(settled, 'acknowledged');
});

test('an unknown community or user is refused and reported, not delivered', async (t) => {
  const { got, rejected, to } = await listener(t);
  await sendNotification(to, { version: 'v2c', community: 'wrong' }, 'coldStart', []);
  await until('a rejection', () => rejected.length === 1);
  assert.match(rejected[0].message, /community/i);
  assert.equal(got.length, 0);
});

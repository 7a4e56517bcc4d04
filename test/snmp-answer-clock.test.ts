// A walk's later answers timed by the agent's clock, collector to rates: a UDP relay in front of the
// lab's agent holds every request of a poll after the first for a while, as a loaded collector does
// when it sends its next GetBulk late. The agent then reads the later interfaces' counters late in
// one poll and not in the other; with one clock per poll those interfaces' rates jumped (+13–22 % was
// seen on a loaded lab), with one clock per answer they stay at the lab's planned rates.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { test } from 'node:test';
import { normalizeSnmp, type SnmpDeviceState } from '../processors/normalize/snmp.js';
import type { MetricBatch, RawSnmpPoll } from '../schemas/types.js';
import { startSnmpLab } from './snmp-lab.js';

interface Relay {
  port: number;
  /** How long to hold each request of a poll after its first; 0 forwards at once. */
  holdLaterRequestsMs: number;
  /** Call before a poll: its next request is the poll's first. */
  newPoll(): void;
  close(): Promise<void>;
}

async function startRelay(agentPort: number): Promise<Relay> {
  const front = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  let manager: { port: number; address: string } | null = null;
  let requestsThisPoll = 0;
  const relay: Relay = {
    port: 0,
    holdLaterRequestsMs: 0,
    newPoll: () => (requestsThisPoll = 0),
    close: async () => {
      await new Promise<void>((r) => front.close(() => r()));
      await new Promise<void>((r) => back.close(() => r()));
    },
  };
  front.on('message', (msg, from) => {
    manager = { port: from.port, address: from.address };
    const hold = requestsThisPoll++ === 0 ? 0 : relay.holdLaterRequestsMs;
    setTimeout(() => back.send(msg, agentPort, '127.0.0.1'), hold);
  });
  back.on('message', (msg) => {
    if (manager) front.send(msg, manager.port, manager.address);
  });
  await new Promise<void>((r) => front.bind(0, '127.0.0.1', () => r()));
  await new Promise<void>((r) => back.bind(0, '127.0.0.1', () => r()));
  relay.port = front.address().port;
  return relay;
}

test('rates of a walk whose later answers come late stay at the planned rate: each counter is timed by its own answer', { timeout: 60_000 }, async (t) => {
  // Two rows a request: the 8 interfaces take four GetBulks with rows and one to leave the table.
  const snmp = await startSnmpLab(t, { devices: 1, interfaces: 8, poller: { maxRepetitions: 2, timeoutMs: 3_000 } });
  const device = snmp.lab.devices[0];
  const relay = await startRelay(device.port);
  t.after(() => relay.close());
  const target = { ...snmp.targetOf(device), address: '127.0.0.1', port: relay.port };

  let state: SnmpDeviceState | undefined;
  const polls: RawSnmpPoll[] = [];
  const batches: MetricBatch[] = [];
  for (const holdMs of [0, 350, 0]) {
    if (polls.length > 0) await new Promise((r) => setTimeout(r, 2_000));
    relay.holdLaterRequestsMs = holdMs;
    relay.newPoll();
    const poll = await snmp.poller.poll(target, 'interfaces');
    assert.equal(poll.error, null, `poll with ${holdMs} ms holds: ${poll.error?.message}`);
    polls.push(poll);
    const r = normalizeSnmp(state, poll);
    state = r.state;
    batches.push(r.batch);
  }

  // The held poll's later answers carry their own, later clock.
  const held = polls[1];
  const answers = held.responseUpTimes ?? [];
  assert.ok(answers.length >= 2, `the held walk's later answers each carry sysUpTime: ${JSON.stringify(answers)}`);
  // The last answer that still carried rows (a walk ends with one that only leaves the table).
  const last = answers.filter((a) => a.firstValue < held.values.length).at(-1)!;
  assert.ok(last && last.firstValue > 0, `an answer after the first carried values: ${JSON.stringify(answers)} of ${held.values.length}`);
  assert.ok(last.sysUpTime - held.sysUpTime! >= 60, `the last answer with rows came ≥ 0.6 s after the first on the agent's clock: ${held.sysUpTime} → ${last.sysUpTime}`);

  let checked = 0;
  for (const batch of batches.slice(1)) {
    for (const i of device.interfaces) {
      for (const [metric, bps] of [['if_in_bps', i.inBps], ['if_out_bps', i.outBps]] as const) {
        if (bps === 0) continue;
        const s = batch.samples.find((x) => x.metric === metric && x.labels.ifName === i.name);
        assert.ok(s, `${i.name} ${metric}`);
        // The agent reads its counters and its clock in the same answer: what is left is the lab's
        // own rounding (sysUpTime in centiseconds over a 2 s interval).
        assert.ok(Math.abs(s.value - bps) <= bps * 0.02, `${i.name} ${metric}: ${s.value} bit/s, planned ${bps}`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 8, `${checked} rates checked`);
});

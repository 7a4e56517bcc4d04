// `npm run bench -- traps [--step-ms N] [--max-rate N]`: the highest rate of SNMPv2c traps one
// receiver takes with none lost, ours (the traps role: every trap must be on telemetry.raw.trap)
// against Debian's snmptrapd logging each trap to a file, in the same run. Both get the same
// datagrams (linkDown traps, distinct request ids, built once per step by net-snmp's sender and
// replayed from a plain UDP socket, so the sender costs the same for both), at offered rates
// rising by √2 from 500/s, each step for --step-ms; a receiver's figure is the highest rate it took
// whole. The steps alternate between the two receivers, so machine load drifts on both alike.
// Returns { traps_s, snmptrapd_traps_s, ratio, lost } (lost: at the step above our figure, or 0
// when we never lost one up to --max-rate).
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import snmp from 'net-snmp';
import { createLogger } from '../common/log.js';
import { kafkaSecurityEnv } from '../common/kafka-security.js';
import { connectStreams } from '../streams/index.js';
import { CredentialStore } from '../credentials/credential-store.js';
import { ensureKeyFile } from '../infra/lab/lab-credentials.js';
import { findFreeUdpPort } from '../infra/lab/ports.js';
import { linkVarbinds, sendNotification } from '../infra/lab/trap-sender.js';
import { startRole } from '../infra/supervisor.js';
import type { Device, RawTrap } from '../schemas/types.js';
import type { BenchContext } from './run.js';

const DEFAULTS = { stepMs: 2_000, maxRate: 32_000, firstRate: 500 };
const COMMUNITY = 'bench-traps';
const STEP_OID = '1.3.6.1.4.1.8072.9999.1.0'; // NET-SNMP-MIB experimental space: the step's tag

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

/** `count` distinct v2c linkDown datagrams tagged with the step, as net-snmp's sender encodes them. */
async function datagrams(step: string, count: number): Promise<Buffer[]> {
  const capture = createSocket('udp4');
  capture.bind(0, '127.0.0.1');
  await once(capture, 'listening');
  const out: Buffer[] = [];
  capture.on('message', (b) => out.push(b));
  const to = { address: '127.0.0.1', port: capture.address().port };
  // In batches, each read back before the next: a burst beyond the socket's receive buffer
  // (~256 datagrams at Linux's default) would be dropped before it is read.
  for (let i = 0; i < count; i += 100) {
    const n = Math.min(100, count - i);
    const want = out.length + n;
    await Promise.all(
      Array.from({ length: n }, (_, j) =>
        sendNotification(to, { version: 'v2c', community: COMMUNITY }, 'linkDown', [...linkVarbinds({ ifIndex: ((i + j) % 48) + 1, ifName: `ge-0/0/${(i + j) % 48}`, up: false }), { oid: STEP_OID, type: snmp.ObjectType.OctetString, value: `${step}#${i + j}` }]),
      ),
    );
    for (let t = 0; out.length < want; t++) {
      if (t > 250) throw new Error(`traps bench: only ${out.length} of ${want} datagrams captured`);
      await sleep(4);
    }
  }
  capture.close();
  return out;
}

/** Sends the datagrams to `port` at `rate` per second (bursts every 10 ms). */
async function offer(socket: Socket, port: number, grams: Buffer[], rate: number): Promise<void> {
  const perTick = Math.max(1, Math.round(rate / 100));
  const t0 = performance.now();
  for (let i = 0, tick = 0; i < grams.length; tick++) {
    const due = t0 + tick * 10;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    for (let k = 0; k < perTick && i < grams.length; k++, i++) socket.send(grams[i], port, '127.0.0.1');
  }
}

/** Waits until `count()` reaches `expected` or stops growing for `quietMs`. */
async function settle(count: () => Promise<number> | number, expected: number, quietMs = 2_000): Promise<number> {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const n = await count();
    if (n >= expected) return n;
    if (n !== last) [last, since] = [n, Date.now()];
    else if (Date.now() - since >= quietMs) return n;
    await sleep(100);
  }
}

async function snmptrapdStep(dir: string, sender: Socket, grams: Buffer[], rate: number, step: string): Promise<number> {
  const port = await findFreeUdpPort();
  const conf = path.join(dir, 'snmptrapd.conf');
  const log = path.join(dir, `snmptrapd-${step}.log`);
  await writeFile(conf, `authCommunity log ${COMMUNITY}\ndoNotRetainNotificationLogs yes\n`);
  // -f foreground, -n no DNS, -On numeric OIDs, -C only this config, -Lf log to the file, one line per trap
  const child: ChildProcess = spawn('snmptrapd', ['-f', '-n', '-On', '-C', '-c', conf, '-Lf', log, '-F', 'TRAP %B %v\n', `udp:127.0.0.1:${port}`], { stdio: 'ignore', env: { ...process.env, MIBS: '' } });
  const exited = once(child, 'exit');
  try {
    for (let t = 0; ; t++) {
      const text = await readFile(log, 'utf8').catch(() => '');
      if (text.includes('NET-SNMP version')) break; // its start line: listening
      if (t > 100 || child.exitCode !== null) throw new Error(`snmptrapd did not start (log ${log})`);
      await sleep(50);
    }
    await offer(sender, port, grams, rate);
    const count = async () => (await readFile(log, 'utf8')).split('\n').filter((l) => l.startsWith('TRAP ') && l.includes(step)).length;
    return await settle(count, grams.length);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const stepMs = option(ctx.args, 'step-ms', DEFAULTS.stepMs);
  const maxRate = option(ctx.args, 'max-rate', DEFAULTS.maxRate);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'oc-bench-traps-'));
  const prefix = `bench-traps-${Date.now()}.`;
  const logger = createLogger({ bench: 'traps' }, 'error');
  const config = { kafkaBrokers: ctx.kafkaBrokers, schemaRegistryUrl: ctx.registryUrl, partitions: 3, replicationFactor: 1, topicPrefix: prefix, compression: 'snappy', ...ctx.kafkaSecurity } as const;
  const streams = await connectStreams({ config, clientId: 'bench-traps', logger, writes: ['inventory'] });

  // One device at 127.0.0.1 whose stored credential is the bench's community.
  const keyFile = path.join(dir, 'credentials.key');
  ensureKeyFile(keyFile);
  const credentialsFile = path.join(dir, 'credentials.enc.json');
  const env = { OC_CREDENTIALS_FILE: credentialsFile, OC_CREDENTIALS_KEY_FILE: keyFile };
  await CredentialStore.open(credentialsFile, ensureKeyFile(keyFile)).putAll({ 'bench/traps': { kind: 'snmp-community', community: COMMUNITY } });
  const device: Device = { deviceId: 'bench-r1', hostname: 'bench-r1', address: '127.0.0.1', site: 'bench', role: 'core', platform: 'junos', vendor: 'juniper', status: 'active', tags: [], labels: {}, snmp: { version: 'v2c', port: 161, credential: 'bench/traps', profiles: [] }, updatedAt: Date.now() };
  await streams.producer.send(streams.topics.inventory, [{ key: device.deviceId, value: device }]);

  const trapPort = await findFreeUdpPort();
  const role = await startRole({
    name: 'bench-traps',
    role: 'traps',
    env: { KAFKA_BROKERS: ctx.kafkaBrokers.join(','), ...kafkaSecurityEnv(ctx.kafkaSecurity), SCHEMA_REGISTRY_URL: ctx.registryUrl, KAFKA_TOPIC_PREFIX: prefix, TRAP_HOST: '127.0.0.1', TRAP_PORT: String(trapPort), LOG_LEVEL: 'warn', ...env },
    logDir: dir,
  });
  const perStep = new Map<string, number>();
  const reader = streams.consumer({
    groupId: 'bench-traps-reader',
    topics: [streams.topics.rawTrap],
    handler: async (rs) => {
      for (const r of rs) {
        const tag = (r.value as RawTrap).values.find((v) => v.oid === STEP_OID)?.text?.split('#')[0] ?? '';
        perStep.set(tag, (perStep.get(tag) ?? 0) + 1);
      }
    },
  });
  await reader.start();
  const sender = createSocket('udp4');
  sender.bind(0, '127.0.0.1');
  await once(sender, 'listening');
  ctx.say(`traps bench: offered rates from ${DEFAULTS.firstRate}/s rising by √2 up to ${maxRate}/s, ${stepMs} ms a step, snmptrapd then ours at each; load ${load()}`);

  const best = { ours: 0, snmptrapd: 0 };
  let lostAbove = 0;
  let oursLost = false;
  let theirsLost = false;
  try {
    // Our receiver must have read the inventory before the first trap (it is ready then).
    for (let rate = DEFAULTS.firstRate; rate <= maxRate && !(oursLost && theirsLost); rate = Math.round((rate * Math.SQRT2) / 100) * 100) {
      const step = `s${rate}`;
      const grams = await datagrams(step, Math.round((rate * stepMs) / 1000));
      if (!theirsLost) {
        const got = await snmptrapdStep(dir, sender, grams, rate, step);
        ctx.say(`  snmptrapd ${String(rate).padStart(6)}/s offered: ${got}/${grams.length} logged${got < grams.length ? ` (${grams.length - got} lost)` : ''}; load ${load()}`);
        if (got === grams.length) best.snmptrapd = rate;
        else theirsLost = true;
      }
      if (!oursLost) {
        await offer(sender, trapPort, grams, rate);
        const got = await settle(() => perStep.get(step) ?? 0, grams.length, 3_000);
        ctx.say(`  ours      ${String(rate).padStart(6)}/s offered: ${got}/${grams.length} on Kafka${got < grams.length ? ` (${grams.length - got} lost)` : ''}; load ${load()}`);
        if (got === grams.length) best.ours = rate;
        else {
          oursLost = true;
          lostAbove = grams.length - got;
        }
      }
    }
  } finally {
    sender.close();
    await reader.stop();
    await role.stop();
    await streams.close();
  }
  const ratio = best.snmptrapd > 0 ? Number((best.ours / best.snmptrapd).toFixed(3)) : null;
  ctx.say(`highest lossless rate: ours ${best.ours}/s, snmptrapd ${best.snmptrapd}/s (ratio ${ratio}); ours lost ${lostAbove} at the step above its figure`);
  return { traps_s: best.ours, snmptrapd_traps_s: best.snmptrapd, ratio, lost: 0, lost_above: lostAbove, step_ms: stepMs, load1: Number(os.loadavg()[0].toFixed(2)) };
}

// The client bench's librdkafka run (@confluentinc/kafka-javascript's native API): produce with
// error-only delivery reports and a flush, then a read_committed consume loop (bench/kafka-clients.ts).
import Kafka from '@confluentinc/kafka-javascript';
import type { LibrdKafkaError } from '@confluentinc/kafka-javascript';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { librdkafkaSecurity } from '../common/kafka-security.js';
import { call } from '../streams/kafka-client.js';
import { CONSUME_BATCH, CONSUME_WAIT_MS, type ClientRun, Clock, FETCH_BYTES_PER_PARTITION, FETCH_WAIT_MS, FLUSH_TIMEOUT_MS, LINGER_MS, type MeasureOptions, type ProducePhase, QUEUE_FULL, QUEUE_FULL_WAIT_MS, STALL_MS, Tally, recordsInTopic } from './kafka-bench-shared.js';

type NativeProducer = InstanceType<typeof Kafka.Producer>;
type NativeConsumer = InstanceType<typeof Kafka.KafkaConsumer>;

export async function runConfluent(o: MeasureOptions): Promise<ClientRun> {
  const produce = await produceConfluent(o);
  const produced = await recordsInTopic(o.brokers, o.topic, o.partitions, o.security);
  const consumed = new Tally();
  const consume = { clock: await consumeConfluent(o, produced, consumed) };
  return {
    label: `confluent ${Kafka.librdkafkaVersion}`,
    notes: [
      `librdkafka ${Kafka.librdkafkaVersion}: enable.idempotence, acks=-1, compression.codec=snappy, linger.ms=${LINGER_MS}, partitioner=murmur2_random, ` +
        `delivery.report.only.error + dr_cb (no callback per delivered record), flush() at the end`,
      `consumer: read_committed, auto.offset.reset=earliest, enable.auto.commit=false, consume(${CONSUME_BATCH}) loop, timeout only for the first record, ` +
        `fetch.wait.max.ms=${FETCH_WAIT_MS}, max.partition.fetch.bytes=${FETCH_BYTES_PER_PARTITION}`,
    ],
    produce,
    produced,
    consume,
    consumed,
  };
}

function commonConfluentConfig(o: MeasureOptions, role: string) {
  return { 'bootstrap.servers': o.brokers.join(','), 'client.id': `bench-clients-${role}`, log_level: 4 /* warnings */, ...(librdkafkaSecurity(o.security) as object) };
}

async function produceConfluent(o: MeasureOptions): Promise<ProducePhase> {
  const producer: NativeProducer = new Kafka.Producer({
    ...commonConfluentConfig(o, 'confluent-producer'),
    'enable.idempotence': true,
    acks: -1, // all in-sync replicas (what idempotence requires anyway)
    'compression.codec': 'snappy',
    'linger.ms': LINGER_MS,
    partitioner: 'murmur2_random',
    // No report, hence no JavaScript callback, for a delivered record; a failed one is reported
    // (dr_cb turns reports on: without it a failure would go unseen).
    'delivery.report.only.error': true,
    dr_cb: true,
  });
  const phase: ProducePhase = { clock: new Clock(o.brokerPid), failed: 0 };
  producer.on('delivery-report', (err) => {
    if (!err) return;
    phase.failed++;
    phase.firstError ??= err.message;
  });
  producer.on('event.error', (err) => {
    if (err.isFatal) phase.firstError ??= `fatal: ${err.message}`;
  });
  await call((cb) => producer.connect({ timeout: 10_000 }, (err) => cb(err)));
  try {
    const { topic, messages } = o;
    // The topic's metadata before the clock, as @platformatic/kafka's below. (The producer id is
    // asked for at connect and is there within ~50 ms: a first batch costs ≤ 30 ms more than later ones.)
    await call((cb) => producer.getMetadata({ topic, timeout: 10_000 }, (err) => cb(err)));
    phase.clock.start();
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      try {
        producer.produce(topic, null, m.value, m.key, m.timestamp);
      } catch (err) {
        if ((err as LibrdKafkaError).code !== QUEUE_FULL) throw err;
        await sleep(QUEUE_FULL_WAIT_MS);
        i--;
      }
    }
    await call((cb) => producer.flush(FLUSH_TIMEOUT_MS, cb));
    phase.clock.stop();
    // A failure reported during the flush reaches JavaScript through the event loop: let it in.
    await sleep(50);
  } finally {
    await call((cb) => producer.disconnect(5_000, (err) => cb(err))).catch(() => undefined);
  }
  return phase;
}

async function consumeConfluent(o: MeasureOptions, expected: number, tally: Tally): Promise<Clock> {
  const consumer: NativeConsumer = new Kafka.KafkaConsumer(
    {
      ...commonConfluentConfig(o, 'confluent-consumer'),
      'group.id': `bench-clients-${randomBytes(4).toString('hex')}`,
      'isolation.level': 'read_committed',
      'enable.auto.commit': false, // nothing is committed: kcat commits nothing either
      'max.partition.fetch.bytes': FETCH_BYTES_PER_PARTITION,
      'fetch.wait.max.ms': FETCH_WAIT_MS,
    },
    { 'auto.offset.reset': 'earliest' },
  );
  consumer.setDefaultConsumeTimeout(CONSUME_WAIT_MS);
  // Wait for the first record only, then take what is fetched already (streams/ does the same; the
  // method is not in the type declarations).
  (consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(v: boolean): void }).setDefaultIsTimeoutOnlyForFirstMessage(true);
  const clock = new Clock(o.brokerPid);
  await call((cb) => consumer.connect({ timeout: 10_000 }, (err) => cb(err)));
  try {
    consumer.subscribe([o.topic]);
    let lastProgress = Date.now();
    while (tally.count < expected && Date.now() - lastProgress < STALL_MS) {
      const batch = await call<Kafka.Message[]>((cb) => consumer.consume(Math.min(CONSUME_BATCH, expected - tally.count), cb));
      if (batch.length === 0) continue;
      if (!clock.started) clock.start();
      for (const m of batch) tally.add(m.key, m.value, m.partition);
      lastProgress = Date.now();
    }
    clock.stop();
  } finally {
    await call((cb) => consumer.disconnect((err) => cb(err))).catch(() => undefined);
  }
  return clock;
}


// The two Kafka client candidates on the same pre-encoded messages: @confluentinc/kafka-javascript's
// native API (librdkafka) and @platformatic/kafka (JavaScript), each in its fastest configuration
// that keeps our guarantees: idempotent, acks=all, snappy, the Java partitioner (murmur2: a device's
// records land on the same partition whichever client wrote them), every record confirmed durable
// before the produce clock stops. Then a consumer group reads them back, read_committed, from the
// earliest offset, timed from the first record received to the last (the group join is a one-off).
// Every run is checked, outside the clocks: the topic's end offsets against the records sent, and
// the records consumed against the records sent (count and content digest).
// @platformatic/kafka is not a dependency of the project: it is loaded from a folder where it was
// installed on its own (OC_PLATFORMATIC_DIR, see loadPlatformatic).
import { type MeasureOptions, type Measurement, STALL_MS, Tally } from './kafka-bench-shared.js';
import { runConfluent } from './kafka-client-confluent.js';
import { runPlatformatic } from './kafka-client-platformatic.js';

export { kcatSecurityArgs, pidCpuSeconds, recordsInTopic, type BenchMessage, type Measurement, type MeasureOptions } from './kafka-bench-shared.js';

export async function measureClient(o: MeasureOptions): Promise<Measurement> {
  const expected = new Tally();
  for (const m of o.messages) expected.add(m.key, m.value, 0);
  const run = o.client === 'confluent' ? await runConfluent(o) : await runPlatformatic(o);
  const notes = [...run.notes];
  if (run.produce.failed > 0 || run.produce.firstError) notes.push(`PRODUCE FAILED for ${run.produce.failed} records: ${run.produce.firstError}`);
  if (run.produced !== o.messages.length) notes.push(`TOPIC HOLDS ${run.produced} RECORDS, ${o.messages.length} SENT`);
  if (run.consumed.count !== run.produced) notes.push(`CONSUMED ${run.consumed.count} OF ${run.produced} (stalled ${STALL_MS / 1000} s)`);
  else if (run.consumed.sum !== expected.sum || run.consumed.count !== expected.count) notes.push('CONSUMED RECORDS DIFFER FROM THE RECORDS SENT');
  else notes.push('checks: end offsets = records sent, records consumed = records sent (count and digest)');
  return {
    client: run.label,
    produce_s: run.produce.clock.seconds,
    consume_s: run.consume.clock.seconds,
    produced: run.produced,
    consumed: run.consumed.count,
    notes: notes.join('; '),
    produce_cpu_s: run.produce.clock.cpu,
    consume_cpu_s: run.consume.clock.cpu,
    broker_produce_cpu_s: run.produce.clock.brokerCpu,
    broker_consume_cpu_s: run.consume.clock.brokerCpu,
    placement: run.consumed.placed.toString(16).padStart(8, '0'),
  };
}


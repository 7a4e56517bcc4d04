// The streams layer as the rest of the project sees it. Roles connect once and get the serde,
// a producer, the dead-letter sink and consumers; no Kafka client type crosses this boundary.
import type { Logger } from '../common/log.js';
import { verifyKafkaAccess } from '../common/kafka.js';
import { kafkaSecurityOf } from '../common/kafka-security.js';
import { connectAdmin, type TopicAdmin } from './admin.js';
import { createAvroSerde, type AvroSerde } from './serde.js';
import { createStreamProducer, type StreamProducer } from './producer.js';
import { createDeadLetters, type DeadLetters } from './dead-letter.js';
import { createStreamConsumer, type ConsumerOptions, type StreamConsumer } from './consumer.js';
import { topicSpecs, prefixedTopics, type TopicNames } from './topics.js';
import { createTransactionalProcessor, type TransactionalOptions, type TransactionalProcessor } from './transactional.js';
import type { StreamsConfig } from './settings.js';
import type { Compression } from './kafka-client.js';

export * from './topics.js';
export type { InRecord, BatchContext, BatchHandler, StreamConsumer } from './consumer.js';
export type { OutRecord, RawOutRecord, StreamProducer } from './producer.js';
export type { AvroSerde, Decoded } from './serde.js';
export type { DeadLetters } from './dead-letter.js';
export type { TopicAdmin } from './admin.js';
export { deadLetterHeaders } from './dead-letter.js';
export { streamSettings } from './settings.js';
export type { StreamsConfig } from './settings.js';
export { connectAdmin } from './admin.js';
export { createTransactionalProcessor } from './transactional.js';
export type { TransactionalProcessor, StatefulTransform, Emit } from './transactional.js';

export interface Streams {
  /** This deployment's topic names (with its prefix). */
  topics: TopicNames;
  serde: AvroSerde;
  producer: StreamProducer;
  deadLetters: DeadLetters;
  admin: TopicAdmin;
  consumer(o: Omit<ConsumerOptions, 'brokers' | 'security' | 'serde' | 'deadLetters' | 'logger' | 'clientId'> & { clientId?: string }): StreamConsumer;
  /** An exactly-once consume-transform-produce processor (outputs' schemas must be in `writes`). */
  transactional<S>(o: Omit<TransactionalOptions<S>, 'brokers' | 'security' | 'serde' | 'deadLetters' | 'logger' | 'clientId' | 'compression'> & { clientId?: string }): TransactionalProcessor;
  close(): Promise<void>;
}

/**
 * Connects a role to Kafka and the registry: checks that the cluster lets it in (a refused login
 * or TLS handshake fails here, with the setting to fix, instead of being retried for ever),
 * ensures the declared topics exist, registers the schemas of the topics it writes, and returns
 * the pieces. `writes` lists topics it will produce.
 */
export async function connectStreams(opts: {
  config: StreamsConfig;
  clientId: string;
  logger: Logger;
  /** Topics the role produces to (keys of TopicNames), so their schemas are registered at start. */
  writes: (keyof TopicNames)[];
}): Promise<Streams> {
  const { config, logger } = opts;
  const topics = prefixedTopics(config.topicPrefix);
  const brokers = config.kafkaBrokers;
  const security = kafkaSecurityOf(config);
  await verifyKafkaAccess(brokers, security, `${opts.clientId}-probe`);
  const admin = await connectAdmin({ brokers, security, logger, clientId: `${opts.clientId}-admin` });
  await admin.ensureTopics(topicSpecs(config.partitions, config.topicPrefix), config.replicationFactor);
  const serde = createAvroSerde({ registryUrl: config.schemaRegistryUrl, topicPrefix: config.topicPrefix });
  await serde.prepare([...new Set([...opts.writes, 'dlq' as const])].map((k) => topics[k]));
  const producer = await createStreamProducer({
    brokers,
    security,
    clientId: opts.clientId,
    serde,
    logger,
    compression: config.compression as Compression,
  });
  const deadLetters = createDeadLetters(producer, logger, topics.dlq);
  return {
    topics,
    serde,
    producer,
    deadLetters,
    admin,
    // Groups carry the topic prefix too, so an isolated deployment never shares offsets with another.
    consumer: (o) =>
      createStreamConsumer({ ...o, groupId: config.topicPrefix + o.groupId, clientId: o.clientId ?? opts.clientId, brokers, security, serde, deadLetters, logger }),
    transactional: (o) =>
      createTransactionalProcessor({
        ...o,
        groupId: config.topicPrefix + o.groupId,
        clientId: o.clientId ?? opts.clientId,
        brokers,
        security,
        serde,
        deadLetters,
        logger,
        compression: config.compression as Compression,
      }),
    async close() {
      await producer.close();
      await admin.close();
    },
  };
}

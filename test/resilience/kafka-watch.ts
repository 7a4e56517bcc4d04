// What the suite asks Kafka directly: which node leads a partition (to kill the leader), whether
// every replica is back in sync (before the next fault), and the lag of each consumer group.
// Its own admin client (@confluentinc/kafka-javascript's KafkaJS layer), apart from streams/.
import { KafkaJS } from '@confluentinc/kafka-javascript';
import type pg from 'pg';
import { kafkaLogger } from '../../common/kafka.js';
import { createLogger, type Logger } from '../../common/log.js';
import { topicConfig } from '../kafka-topic-config.js';
import { connectAdmin, type TopicAdmin } from '../../streams/index.js';

export interface LagSample {
  at: number;
  lag: Record<string, number>; // group → messages behind, summed over its topics
}

export class KafkaWatch {
  private readonly admin: KafkaJS.Admin;
  private readonly brokers: string[];
  private readonly logger: Logger;
  private topicAdmin: Promise<TopicAdmin> | undefined;

  private constructor(admin: KafkaJS.Admin, brokers: string[], logger: Logger) {
    this.admin = admin;
    this.brokers = brokers;
    this.logger = logger;
  }

  static async connect(brokers: string[], logger: Logger): Promise<KafkaWatch> {
    // The suite kills brokers on purpose: the client's complaints about them are debug lines here;
    // what matters comes back from the calls.
    const kafka = new KafkaJS.Kafka({
      kafkaJS: { brokers, clientId: 'resilience-watch', logLevel: KafkaJS.logLevel.WARN, logger: kafkaLogger(logger.child({ component: 'kafka-watch' }), 'debug') },
    });
    const admin = kafka.admin();
    await admin.connect();
    // Brokers die here on purpose: the offset reader's complaints about them are not the suite's news.
    return new KafkaWatch(admin, brokers, createLogger({ component: 'kafka-watch' }, 'error'));
  }

  /** Node id of the leader of a partition. */
  async leaderOf(topic: string, partition = 0): Promise<number> {
    const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
    const p = meta[0].partitions.find((x) => x.partitionId === partition);
    if (!p || p.leader < 0) throw new Error(`kafka: ${topic}[${partition}] has no leader`);
    return p.leader;
  }

  /** Node ids that lead at least one partition of a topic. */
  async leadersOf(topic: string): Promise<Set<number>> {
    const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
    return new Set(meta[0].partitions.map((p) => p.leader).filter((l) => l >= 0));
  }

  /** Node id of a consumer group's coordinator (undefined when the group is unknown). */
  async coordinatorOf(group: string): Promise<number | undefined> {
    const { groups } = await this.admin.describeGroups([group]);
    const id = (groups[0] as { coordinator?: { id?: number } } | undefined)?.coordinator?.id;
    return typeof id === 'number' && id >= 0 ? id : undefined;
  }

  /** Waits until every partition of `topics` has all its replicas in sync. */
  async waitInSync(topics: string[], timeoutMs: number): Promise<number> {
    const started = Date.now();
    for (;;) {
      const meta = await this.admin.fetchTopicMetadata({ topics }).catch(() => undefined);
      const behind = meta?.flatMap((t) => t.partitions.filter((p) => p.isr.length < p.replicas.length || p.leader < 0)).length;
      if (behind === 0) return Date.now() - started;
      if (Date.now() - started > timeoutMs) throw new Error(`kafka: ${behind ?? '?'} partitions of ${topics.length} topics not in sync after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Replication factor and min.insync.replicas of a topic as the brokers hold them. */
  async durability(topic: string): Promise<{ replicas: number; minInsync: string }> {
    const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
    const cfg = await topicConfig(this.brokers, topic, ['min.insync.replicas']); // the client has no describeConfigs
    return { replicas: meta[0].partitions[0].replicas.length, minInsync: cfg.get('min.insync.replicas') ?? '?' };
  }

  private async ends(topic: string): Promise<Map<number, number>> {
    const offs = await this.admin.fetchTopicOffsets(topic);
    return new Map(offs.map((o) => [o.partition, Number(o.high)]));
  }

  /** Messages behind of a Kafka-committing group over its topics (a partition without a commit counts from 0). */
  async groupLag(groupId: string, topics: string[]): Promise<number> {
    let lag = 0;
    for (const topic of topics) {
      const ends = await this.ends(topic);
      // Through streams' admin, not this client's fetchOffsets: librdkafka's ListConsumerGroupOffsets
      // crashes the process when the group's coordinator moves (a broker killed), see streams/admin.ts.
      this.topicAdmin ??= connectAdmin({ brokers: this.brokers, logger: this.logger, clientId: 'resilience-watch' });
      const committed = await (await this.topicAdmin).groupOffsets(groupId, topic);
      for (const [p, end] of ends) lag += Math.max(0, end - Math.max(0, Number(committed.get(p) ?? 0n)));
    }
    return lag;
  }

  /** Lag of a sink group, whose offsets live in PostgreSQL (sink_offsets) next to its rows. */
  async sinkLag(db: pg.Client | pg.Pool, groupId: string, topic: string): Promise<number> {
    const ends = await this.ends(topic);
    const { rows } = await db.query<{ partition: number; next_offset: string }>(`SELECT partition, next_offset FROM sink_offsets WHERE group_id = $1 AND topic = $2`, [groupId, topic]);
    const stored = new Map(rows.map((r) => [r.partition, Number(r.next_offset)]));
    let lag = 0;
    for (const [p, end] of ends) lag += Math.max(0, end - (stored.get(p) ?? 0));
    return lag;
  }

  async close(): Promise<void> {
    await (await this.topicAdmin?.catch(() => undefined))?.close();
    await this.admin.disconnect();
  }
}

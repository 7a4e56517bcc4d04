// Configuration files of a local KRaft cluster: every node is a combined broker + controller on
// loopback; node n listens on basePort + 2(n-1) (clients) and the port after it (controller quorum).

export interface KafkaNodePorts {
  nodeId: number;
  brokerPort: number;
  controllerPort: number;
}

export const KAFKA_CONFIG_DEFAULTS = {
  host: '127.0.0.1',
  partitions: 6, // CONTEXT.md: every telemetry topic has 6 partitions locally
  internalTopicPartitions: 12, // __consumer_offsets / __transaction_state (50 by default: slow to create, no use here)
  logSegmentBytes: 256 * 1024 * 1024, // bytes
  logRetentionHours: 72,
  logFileMaxSize: '50MB', // per node log file before it rolls (two old files kept)
};

export function kafkaNodePorts(basePort: number, brokers: number): KafkaNodePorts[] {
  return Array.from({ length: brokers }, (_, i) => ({
    nodeId: i + 1,
    brokerPort: basePort + 2 * i,
    controllerPort: basePort + 2 * i + 1,
  }));
}

export function renderServerProperties(opts: {
  node: KafkaNodePorts;
  all: KafkaNodePorts[];
  logDir: string;
  extra?: Record<string, string>;
}): string {
  const { node, all, logDir } = opts;
  const host = KAFKA_CONFIG_DEFAULTS.host;
  const n = all.length;
  const replicated = n >= 3;
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.nodeId,
    // Static quorum: every node is formatted with the same cluster id and no --standalone.
    'controller.quorum.voters': all.map((p) => `${p.nodeId}@${host}:${p.controllerPort}`).join(','),
    listeners: `PLAINTEXT://${host}:${node.brokerPort},CONTROLLER://${host}:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${host}:${node.brokerPort}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': logDir,
    'num.partitions': KAFKA_CONFIG_DEFAULTS.partitions,
    'default.replication.factor': replicated ? 3 : 1,
    'min.insync.replicas': replicated ? 2 : 1,
    'offsets.topic.replication.factor': replicated ? 3 : 1,
    'offsets.topic.num.partitions': KAFKA_CONFIG_DEFAULTS.internalTopicPartitions,
    'transaction.state.log.replication.factor': replicated ? 3 : 1,
    'transaction.state.log.min.isr': replicated ? 2 : 1,
    'transaction.state.log.num.partitions': KAFKA_CONFIG_DEFAULTS.internalTopicPartitions,
    'share.coordinator.state.topic.replication.factor': replicated ? 3 : 1,
    'share.coordinator.state.topic.min.isr': replicated ? 2 : 1,
    // Tests join and leave groups constantly; the 3 s default delay would slow every one of them.
    'group.initial.rebalance.delay.ms': 0,
    // Topics are created on purpose, with their partition count and cleanup policy.
    'auto.create.topics.enable': false,
    'unclean.leader.election.enable': false,
    // Two cores shared by everything: fewer threads than the server defaults.
    'num.network.threads': 2,
    'num.io.threads': 4,
    'num.recovery.threads.per.data.dir': 1,
    'background.threads': 4,
    'log.segment.bytes': KAFKA_CONFIG_DEFAULTS.logSegmentBytes,
    'log.retention.hours': KAFKA_CONFIG_DEFAULTS.logRetentionHours,
    ...opts.extra,
  };
  return (
    `# Written by infra/kafka.ts on every start; edits here are overwritten.\n` +
    Object.entries(settings)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') +
    '\n'
  );
}

export function renderLog4j2Properties(logFile: string): string {
  const size = KAFKA_CONFIG_DEFAULTS.logFileMaxSize;
  return `# Written by infra/kafka.ts: the node's log goes to one rolling file, nothing to the console.
status = warn
name = opsconductor-kafka
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = ${logFile}
appender.file.filePattern = ${logFile}.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = ${size}
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 2
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
`;
}

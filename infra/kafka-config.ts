// Configuration files of a local KRaft cluster: every node is a combined broker + controller on
// loopback; node n listens on basePort + 2(n-1) (clients) and the port after it (controller quorum).
// Optionally (`secure`) node n also listens on secureBasePort + 2(n-1) with SASL_SSL (SCRAM-SHA-512,
// SCRAM-SHA-256, PLAIN) and on the port after it with SSL requiring a client certificate (mutual
// TLS); brokers and controllers keep talking among themselves in plaintext on loopback.

export interface KafkaNodePorts {
  nodeId: number;
  brokerPort: number;
  controllerPort: number;
  /** with secure listeners: SASL_SSL clients */
  saslSslPort?: number;
  /** with secure listeners: SSL clients with a certificate the truststore's CA signed */
  sslPort?: number;
}

/** The secure listeners' TLS material and PLAIN users (SCRAM users are made at format time). */
export interface SecureListenerConfig {
  /** PEM file: the broker's private key (PKCS#8, unencrypted) followed by its certificate chain. */
  keystoreFile: string;
  /** PEM file: the CA(s) client certificates must chain to. */
  truststoreFile: string;
  /** PLAIN logins the SASL_SSL listener accepts: name → password. */
  plainUsers?: Record<string, string>;
}

/** Names and passwords go into JAAS and StorageTool arguments unquoted: keep them to this set. */
export const SAFE_CREDENTIAL = /^[A-Za-z0-9._~@%+-]{1,128}$/;

export const KAFKA_CONFIG_DEFAULTS = {
  host: '127.0.0.1',
  partitions: 6, // CONTEXT.md: every telemetry topic has 6 partitions locally
  internalTopicPartitions: 12, // __consumer_offsets / __transaction_state (50 by default: slow to create, no use here)
  logSegmentBytes: 256 * 1024 * 1024, // bytes
  logRetentionHours: 72,
  logFileMaxSize: '50MB', // per node log file before it rolls (two old files kept)
  brokerSessionTimeoutMs: 6_000, // ms: see renderServerProperties
  brokerHeartbeatIntervalMs: 1_000, // ms
};

export function kafkaNodePorts(basePort: number, brokers: number, secureBasePort?: number): KafkaNodePorts[] {
  return Array.from({ length: brokers }, (_, i) => ({
    nodeId: i + 1,
    brokerPort: basePort + 2 * i,
    controllerPort: basePort + 2 * i + 1,
    ...(secureBasePort === undefined ? {} : { saslSslPort: secureBasePort + 2 * i, sslPort: secureBasePort + 2 * i + 1 }),
  }));
}

/** server.properties entries of the secure listeners (none without ports). */
function secureListenerSettings(node: KafkaNodePorts, secure: SecureListenerConfig | undefined): Record<string, string> {
  if (!secure || node.saslSslPort === undefined || node.sslPort === undefined) return {};
  const plain = Object.entries(secure.plainUsers ?? {})
    .map(([name, password]) => ` user_${name}="${password}"`)
    .join('');
  return {
    'listener.name.sasl_ssl.sasl.enabled.mechanisms': 'SCRAM-SHA-512,SCRAM-SHA-256,PLAIN',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_ssl.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required${plain};`,
    // PEM stores (Kafka ≥ 2.7): no keytool, no JKS passwords.
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': secure.keystoreFile,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': secure.truststoreFile,
    'listener.name.ssl.ssl.client.auth': 'required',
  };
}

export function renderServerProperties(opts: {
  node: KafkaNodePorts;
  all: KafkaNodePorts[];
  logDir: string;
  /** the secure listeners' material, when the ports have them */
  secure?: SecureListenerConfig;
  extra?: Record<string, string>;
}): string {
  const { node, all, logDir } = opts;
  const host = KAFKA_CONFIG_DEFAULTS.host;
  const n = all.length;
  const replicated = n >= 3;
  const secure = opts.secure && node.saslSslPort !== undefined && node.sslPort !== undefined;
  const clientListeners = [`PLAINTEXT://${host}:${node.brokerPort}`, ...(secure ? [`SASL_SSL://${host}:${node.saslSslPort}`, `SSL://${host}:${node.sslPort}`] : [])];
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.nodeId,
    // Static quorum: every node is formatted with the same cluster id and no --standalone.
    'controller.quorum.voters': all.map((p) => `${p.nodeId}@${host}:${p.controllerPort}`).join(','),
    listeners: [clientListeners[0], `CONTROLLER://${host}:${node.controllerPort}`, ...clientListeners.slice(1)].join(','),
    'advertised.listeners': clientListeners.join(','),
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': `PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${secure ? ',SASL_SSL:SASL_SSL,SSL:SSL' : ''}`,
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
    // A broker that dies without a word keeps leading its partitions until the controller fences
    // it, after this long without its heartbeat: every write to them waits meanwhile (acks=all).
    // 9 s by default; 6 s with a heartbeat a second still tolerates 5 missed beats, which a
    // restarting broker on a loaded two-core machine needs (4 s fenced it over and over).
    ...(replicated ? { 'broker.session.timeout.ms': KAFKA_CONFIG_DEFAULTS.brokerSessionTimeoutMs, 'broker.heartbeat.interval.ms': KAFKA_CONFIG_DEFAULTS.brokerHeartbeatIntervalMs } : {}),
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
    ...secureListenerSettings(node, opts.secure),
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

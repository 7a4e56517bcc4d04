// Settings of the `registry` role, through the same schema as every role (`opsconductor registry
// --help`, `config check --role registry`, docs/configuration.md): listener, Kafka (the local
// stack's brokers by default), TLS/SASL, the log topic, the ops endpoints.
import { defineSettings } from '../../common/config.js';
import { kafkaSecuritySettings } from '../../common/kafka-security.js';
import { opsSettingsFor } from '../../common/settings.js';

const HOST_PORT = /^[^\s:]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/;

/** The log topic's name. Not `_schemas`: that is Confluent's registry's, whose records differ. */
export const REGISTRY_TOPIC_DEFAULT = '_oc_schemas';
/** Where registries of this project before 2026-12-07 kept their log. */
export const REGISTRY_TOPIC_BEFORE = '_schemas';

export const registrySettings = defineSettings({
  kafkaBrokers: {
    kind: 'list',
    env: 'KAFKA_BROKERS',
    default: ['127.0.0.1:19092'],
    doc: 'Kafka bootstrap brokers, host:port, comma separated',
    check: (v) => ((v as string[]).every((b) => HOST_PORT.test(b)) ? undefined : `must be a comma list of host:port, got "${(v as string[]).join(',')}"`),
  },
  ...kafkaSecuritySettings,
  ...opsSettingsFor('registry'),
  host: { kind: 'string', env: 'REGISTRY_HOST', default: '127.0.0.1', doc: 'address the registry listens on (loopback unless told otherwise: the registry has no authentication)' },
  port: { kind: 'int', env: 'REGISTRY_PORT', default: 18_081, min: 0, max: 65_535, doc: 'port of the registry (0: any free port)' },
  topic: { kind: 'string', env: 'REGISTRY_TOPIC', default: REGISTRY_TOPIC_DEFAULT, doc: `compacted topic holding the registry's state; a registry of before 2026-12-07 used ${REGISTRY_TOPIC_BEFORE}: set this to keep its schema ids` },
});

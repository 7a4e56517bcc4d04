// The rendered server.properties of 1- and 3-node clusters: ports, quorum and the replication
// settings the pipeline depends on (acks=all with min ISR 2 on three nodes).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kafkaNodePorts, renderLog4j2Properties, renderServerProperties } from './kafka-config.js';

function parse(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

test('ports: node n serves clients on base + 2(n-1) and its controller on the next port', () => {
  assert.deepEqual(kafkaNodePorts(19092, 3), [
    { nodeId: 1, brokerPort: 19092, controllerPort: 19093 },
    { nodeId: 2, brokerPort: 19094, controllerPort: 19095 },
    { nodeId: 3, brokerPort: 19096, controllerPort: 19097 },
  ]);
});

test('one node: replication 1 everywhere, no auto-created topics, no rebalance delay', () => {
  const all = kafkaNodePorts(29092, 1);
  const p = parse(renderServerProperties({ node: all[0], all, logDir: '/data/node-1' }));
  assert.equal(p['controller.quorum.voters'], '1@127.0.0.1:29093');
  assert.equal(p.listeners, 'PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093');
  assert.equal(p['offsets.topic.replication.factor'], '1');
  assert.equal(p['transaction.state.log.replication.factor'], '1');
  assert.equal(p['transaction.state.log.min.isr'], '1');
  assert.equal(p['min.insync.replicas'], '1');
  assert.equal(p['auto.create.topics.enable'], 'false');
  assert.equal(p['group.initial.rebalance.delay.ms'], '0');
  assert.equal(p['log.dirs'], '/data/node-1');
  assert.equal(p['broker.session.timeout.ms'], undefined); // nothing to fail over to
});

test('three nodes: RF 3 with min ISR 2, every node a voter, extra settings win', () => {
  const all = kafkaNodePorts(49092, 3);
  const p = parse(renderServerProperties({ node: all[1], all, logDir: '/d', extra: { 'num.partitions': '12' } }));
  assert.equal(p['node.id'], '2');
  assert.equal(p['controller.quorum.voters'], '1@127.0.0.1:49093,2@127.0.0.1:49095,3@127.0.0.1:49097');
  assert.equal(p['advertised.listeners'], 'PLAINTEXT://127.0.0.1:49094');
  assert.equal(p['default.replication.factor'], '3');
  assert.equal(p['min.insync.replicas'], '2');
  assert.equal(p['offsets.topic.replication.factor'], '3');
  assert.equal(p['transaction.state.log.replication.factor'], '3');
  assert.equal(p['transaction.state.log.min.isr'], '2');
  assert.equal(p['num.partitions'], '12');
  // A dead broker is fenced (its partitions led elsewhere) within 6 s, not the default 9 s: the
  // processor's transactions must outlast it (streams/transaction-producer.ts).
  assert.equal(p['broker.session.timeout.ms'], '6000');
  assert.equal(p['broker.heartbeat.interval.ms'], '1000');
});

test('log4j2 config writes to the given file only', () => {
  const text = renderLog4j2Properties('/data/kafka-2.log');
  assert.match(text, /^appender\.file\.fileName = \/data\/kafka-2\.log$/m);
  assert.doesNotMatch(text, /Console/);
});

test('secure listeners: SASL_SSL and mutual TLS beside plaintext, PEM stores, PLAIN users in the JAAS line', () => {
  const all = kafkaNodePorts(32092, 3, 32100);
  assert.deepEqual(all[1], { nodeId: 2, brokerPort: 32094, controllerPort: 32095, saslSslPort: 32102, sslPort: 32103 });
  const p = parse(renderServerProperties({ node: all[1], all, logDir: '/d', secure: { keystoreFile: '/pki/broker.pem', truststoreFile: '/pki/ca.pem', plainUsers: { paula: 'pw1' } } }));
  assert.equal(p.listeners, 'PLAINTEXT://127.0.0.1:32094,CONTROLLER://127.0.0.1:32095,SASL_SSL://127.0.0.1:32102,SSL://127.0.0.1:32103');
  assert.equal(p['advertised.listeners'], 'PLAINTEXT://127.0.0.1:32094,SASL_SSL://127.0.0.1:32102,SSL://127.0.0.1:32103');
  assert.equal(p['listener.security.protocol.map'], 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL');
  assert.equal(p['inter.broker.listener.name'], 'PLAINTEXT');
  assert.equal(p['listener.name.sasl_ssl.sasl.enabled.mechanisms'], 'SCRAM-SHA-512,SCRAM-SHA-256,PLAIN');
  assert.equal(p['listener.name.sasl_ssl.plain.sasl.jaas.config'], 'org.apache.kafka.common.security.plain.PlainLoginModule required user_paula="pw1";');
  assert.equal(p['ssl.keystore.type'], 'PEM');
  assert.equal(p['ssl.keystore.location'], '/pki/broker.pem');
  assert.equal(p['ssl.truststore.location'], '/pki/ca.pem');
  assert.equal(p['listener.name.ssl.ssl.client.auth'], 'required');
  // Without the option nothing of it appears.
  const plain = parse(renderServerProperties({ node: kafkaNodePorts(32092, 1)[0], all: kafkaNodePorts(32092, 1), logDir: '/d' }));
  assert.equal(Object.keys(plain).some((k) => k.startsWith('listener.name.') || k.startsWith('ssl.')), false);
});

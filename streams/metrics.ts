// What every stage counts, the same way in every role: received, sent, dead-lettered, lag.
import client from 'prom-client';

export const streamMetrics = {
  received: new client.Counter({ name: 'oc_stream_messages_received_total', help: 'Kafka messages consumed', labelNames: ['topic', 'group'] }),
  sent: new client.Counter({ name: 'oc_stream_messages_sent_total', help: 'Kafka messages produced and acknowledged', labelNames: ['topic'] }),
  sendFailed: new client.Counter({ name: 'oc_stream_send_failures_total', help: 'produce calls that failed after the client retried', labelNames: ['topic'] }),
  deadLettered: new client.Counter({ name: 'oc_stream_dead_lettered_total', help: 'messages sent to the dead-letter topic', labelNames: ['topic', 'stage', 'code'] }),
  batchSize: new client.Histogram({ name: 'oc_stream_batch_messages', help: 'messages per consumed batch', labelNames: ['topic'], buckets: [1, 10, 100, 500, 1000, 5000, 20000] }),
  handlerSeconds: new client.Histogram({ name: 'oc_stream_batch_handler_seconds', help: 'time to process one consumed batch', labelNames: ['group'], buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5] }),
  lag: new client.Gauge({ name: 'oc_stream_consumer_lag_messages', help: 'messages behind the partition end when the last batch was fetched', labelNames: ['group', 'topic', 'partition'] }),
};

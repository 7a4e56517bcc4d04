import client from 'prom-client';

export const transactionMetrics = {
  committed: new client.Counter({ name: 'oc_stream_transactions_committed_total', help: 'consume-transform-produce transactions committed', labelNames: ['group'] }),
  aborted: new client.Counter({ name: 'oc_stream_transactions_aborted_total', help: 'transactions aborted (the batch is re-delivered)', labelNames: ['group'] }),
  redelivered: new client.Counter({ name: 'oc_stream_records_already_processed_total', help: 'records delivered again after a committed transaction had processed them (skipped by the changelog positions)', labelNames: ['group'] }),
  restoreSeconds: new client.Histogram({ name: 'oc_stream_state_restore_seconds', help: 'time to restore assigned partitions from the changelog', labelNames: ['group'], buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60] }),
};

import client from 'prom-client';

export const transactionMetrics = {
  committed: new client.Counter({ name: 'oc_stream_transactions_committed_total', help: 'consume-transform-produce transactions committed', labelNames: ['group'] }),
  aborted: new client.Counter({ name: 'oc_stream_transactions_aborted_total', help: 'transactions aborted (the batch is re-delivered)', labelNames: ['group'] }),
  commitSeconds: new client.Histogram({ name: 'oc_stream_transaction_commit_seconds', help: 'time to checkpoint state, send offsets and commit one transaction', labelNames: ['group'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] }),
  clientsReplaced: new client.Counter({ name: 'oc_stream_clients_replaced_total', help: 'times a processor replaced its consumer and producer after a fatal client error (a fenced static member)', labelNames: ['group'] }),
  restoreSeconds: new client.Histogram({ name: 'oc_stream_state_restore_seconds', help: 'time to restore assigned partitions from the changelog', labelNames: ['group'], buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60] }),
};

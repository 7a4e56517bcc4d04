// The operations endpoints: a port conflict is a coded error naming OPS_PORT, and the holder keeps serving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startOpsServer } from './ops-server.js';

test('a second ops server on the same port is refused with OPS_PORT_IN_USE naming the port', async () => {
  const first = await startOpsServer({ host: '127.0.0.1', port: 0, ready: () => true });
  try {
    await assert.rejects(
      startOpsServer({ host: '127.0.0.1', port: first.port, ready: () => true }),
      (err: Error & { code?: string }) => err.code === 'OPS_PORT_IN_USE' && err.message.includes(`OPS_PORT ${first.port}`) && /set OPS_PORT/.test(err.message),
    );
    const res = await fetch(`http://127.0.0.1:${first.port}/metrics`);
    assert.equal(res.status, 200, 'the first server still serves');
  } finally {
    await first.close();
  }
});

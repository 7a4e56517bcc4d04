// The anomaly events of a test's topic prefix, read from the start into an array that fills while
// the test runs; the reader stops when the test ends.
import type { TestContext } from 'node:test';
import { createLogger } from '../common/log.js';
import { connectStreams } from '../streams/index.js';
import type { AnomalyEvent } from '../schemas/types.js';
import { streamConfig } from './env.js';

export async function readAnomalies(t: TestContext, prefix: string, name: string): Promise<AnomalyEvent[]> {
  const streams = await connectStreams({ config: streamConfig(prefix), clientId: `${name}-test`, logger: createLogger({ test: name }, 'error'), writes: [] });
  const events: AnomalyEvent[] = [];
  const reader = streams.consumer({ groupId: `${name}-reader`, topics: [streams.topics.anomalies], handler: async (rs) => void events.push(...rs.map((r) => r.value as AnomalyEvent)) });
  await reader.start();
  t.after(async () => {
    await reader.stop();
    await streams.close();
  });
  return events;
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import client from 'prom-client';
import type { Logger } from '../../common/log.js';
import { unnamedPortReporter } from './unnamed-ports.js';

function recordingLogger(lines: Array<Record<string, unknown>>): Logger {
  const log = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => void lines.push({ level, msg, ...fields });
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };
  return logger;
}

const readings = async (source: string) => (await client.register.getSingleMetric('oc_processor_unnamed_port_readings_total')!.get()).values.find((v) => v.labels.source === source)?.value ?? 0;

test('an unnamed port is logged once per device and port, and every reading of it is counted', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const report = unnamedPortReporter(recordingLogger(lines));
  const before = await readings('ssh');
  for (let poll = 0; poll < 5; poll++) report('lab-r3', 'ssh', ['LAG1', '0/0/0/7']);
  report('lab-r4', 'ssh', ['LAG1']);
  report('lab-r3', 'ciena', []);
  assert.deepEqual(
    lines.map((l) => [l.level, l.deviceId, l.port]),
    [
      ['warn', 'lab-r3', 'LAG1'],
      ['warn', 'lab-r3', '0/0/0/7'],
      ['warn', 'lab-r4', 'LAG1'],
    ],
  );
  assert.equal((await readings('ssh')) - before, 11);
  assert.equal((await client.register.getSingleMetric('oc_processor_unnamed_ports')!.get()).values[0].value, 3);
});

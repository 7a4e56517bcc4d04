// A lab of a few simulated devices and an SNMP poller against it, for tests that poll real agents
// (no Kafka, no stack): started for one test and stopped after it.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { createLogger } from '../common/log.js';
import { projectRoot } from '../infra/supervisor.js';
import { startLab, type Lab, type LabDevice } from '../infra/lab/lab.js';
import { findFreeUdpPort } from '../infra/lab/ports.js';
import type { SnmpAgentEngine } from '../infra/lab/snmp-agents.js';
import { createSnmpPoller, type SnmpPoller, type SnmpPollerOptions } from '../collectors/snmp/poller.js';

export interface SnmpLab {
  lab: Lab;
  poller: SnmpPoller;
  /** A scratch directory removed with the lab. */
  dir: string;
  targetOf(d: LabDevice): { deviceId: string; address: string; port: number; version: 'v2c'; community: string };
}

export async function startSnmpLab(t: TestContext, opts: { devices: number; interfaces: number; engine?: SnmpAgentEngine; poller?: Partial<SnmpPollerOptions> }): Promise<SnmpLab> {
  const logger = createLogger({ test: t.name }, 'error');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'oc-snmp-lab-'));
  const lab = await startLab({ root: projectRoot, dataDir: path.join(dir, 'lab'), devices: opts.devices, interfaces: opts.interfaces, snmpPort: await findFreeUdpPort(), httpPort: 0, venvBin: path.join(projectRoot, '.cache/venv/bin'), recordedWalks: [], snmpAgent: opts.engine ?? 'node', logger });
  const poller = createSnmpPoller({ timeoutMs: 1_500, retries: 1, maxRepetitions: 25, collectorId: 'test-collector', logger, ...opts.poller });
  t.after(async () => {
    poller.close();
    await lab.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { lab, poller, dir, targetOf: (d) => ({ deviceId: d.deviceId, address: d.address, port: d.port, version: 'v2c', community: d.community }) };
}

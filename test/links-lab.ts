// What the links-sync tests run against: the lab (four devices, its in-process SNMP agent serving
// LLDP-MIB from the lab's cabling, optionally its MCP simulator), the NetBox simulator holding the
// same cables, and topics of their own on the real Kafka + registry with the lab's inventory on
// inventory.links' sibling, inventory.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../common/log.js';
import { CredentialStore } from '../credentials/credential-store.js';
import { labInventory } from '../infra/lab/inventory-file.js';
import { labNetboxCables } from '../infra/lab/lab-command.js';
import { ensureKeyFile } from '../infra/lab/lab-credentials.js';
import { startLab } from '../infra/lab/lab.js';
import { startNetboxSim } from '../infra/lab/netbox-sim.js';
import { findFreeUdpPort } from '../infra/lab/ports.js';
import { projectRoot } from '../infra/supervisor.js';
import type { Device } from '../schemas/types.js';
import { connectStreams } from '../streams/index.js';
import { streamConfig, uniquePrefix } from './env.js';

export const LINKS_LAB_NETBOX_TOKEN = '0123456789abcdef0123456789abcdef01234567';

export async function startLinksLab(name: string, opts: { mcp: boolean; logger: Logger }) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `oc-${name}-`));
  const lab = await startLab({
    root: projectRoot, dataDir, devices: 4, interfaces: 8, snmpPort: await findFreeUdpPort(), httpPort: 0, venvBin: path.join(projectRoot, '.cache/venv/bin'), recordedWalks: [], snmpAgent: 'node',
    ...(opts.mcp ? { protocols: { ssh: false, mcp: true, icmpPaths: 0 } } : {}), logger: opts.logger,
  });
  const store = CredentialStore.open(lab.credentials.file, ensureKeyFile(lab.credentials.keyFile!));
  const netbox = await startNetboxSim({ token: LINKS_LAB_NETBOX_TOKEN, cables: labNetboxCables(lab.cables) });
  const streams = await connectStreams({ config: streamConfig(uniquePrefix(name)), clientId: `${name}-test`, logger: opts.logger, writes: ['inventory', 'links'] });
  const devices = labInventory(lab.devices, Date.now()).devices as Device[];
  await streams.producer.send(streams.topics.inventory, devices.map((d) => ({ key: d.deviceId, value: d })));
  return {
    lab, netbox, streams, store, devices,
    async close() {
      await netbox.close();
      await lab.close();
      await streams.admin.deleteTopics(Object.values(streams.topics)).catch(() => undefined);
      await streams.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

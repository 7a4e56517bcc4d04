// The lab's devices beyond SNMP: each SNMP device also answers SSH (ssh2's server speaking its
// platform's CLI), the Ciena devices are network elements of an MCP simulator, and, when root
// may create network namespaces, an ICMP path with real loss (iptables) and delay (TUN responder)
// stands behind one device's ping address. Scenarios reach them through the lab's HTTP API.
import type { Logger } from '../../common/log.js';
import type { Credential } from '../../credentials/credential-types.js';
import { OpsError } from '../../common/errors.js';
import { startSshLab, type SshLab } from './ssh/ssh-lab.js';
import { applySshScenario, type SshScenario } from './ssh/scenarios.js';
import { startMcpSimulator, type McpSimulator } from './ciena/mcp-simulator.js';
import { applyCienaScenario, type CienaScenario } from './ciena/scenarios.js';
import { startIcmpLab, type IcmpLab } from './icmp/icmp-lab.js';
import { applyIcmpScenario, type IcmpScenario } from './icmp/scenarios.js';
import { labSshCredentialName } from './lab-credentials.js';
import type { LabCable } from './lab-links.js';
import { cliPortOf, mcpPortOf, mcpPorts, plannedDark, sshPorts, type PortLight, type SharedInterface } from './shared-ports.js';

export interface ProtocolLabOptions {
  ssh: boolean;
  mcp: boolean;
  icmpPaths: number; // 0: none (namespaces need root)
  /** The lab's cabling: MCP reports the cables of its Ciena elements as links. */
  cables?: LabCable[];
  /** When the SNMP agents' drift started (epoch ms): the CLIs print the same levels (shared-ports.ts). */
  snmpSinceMs?: number;
  /** Told when an SSH scenario changes a port's light, so the SNMP agent serves it too. */
  onPortLight?: (deviceId: string, iface: SharedInterface, light: PortLight) => Promise<void>;
  logger: Logger;
}

export interface LabDeviceRef {
  deviceId: string;
  hostname: string;
  address: string;
  platform: string;
  vendor: string;
  /** The SNMP agent's interfaces: the CLI and MCP ports are these (absent: the protocols' own ports). */
  interfaces?: SharedInterface[];
}

export interface ProtocolLabs {
  /** Extra inventory labels per device (ssh.*, icmp.address, mcp.*); ssh.credential names a credential of credentials(). */
  labelsFor(deviceId: string): Record<string, string>;
  /** The credentials the labels name, for the credential store. */
  credentials(): Record<string, Credential>;
  /** What a collector needs to reach the MCP simulator (null when it is off). */
  mcp: { url: string; username: string; password: string } | null;
  scenario(kind: string, body: unknown): Promise<unknown>;
  describe(): unknown;
  close(): Promise<void>;
}

export async function startProtocolLabs(devices: LabDeviceRef[], opts: ProtocolLabOptions): Promise<ProtocolLabs> {
  let ssh: SshLab | undefined;
  let mcp: McpSimulator | undefined;
  let icmp: IcmpLab | undefined;
  const close = async () => {
    await mcp?.close();
    await ssh?.close();
    await icmp?.close();
  };
  try {
    const since = opts.snmpSinceMs ?? Date.now();
    if (opts.ssh) ssh = await startSshLab({ devices: devices.map((d) => ({ deviceId: d.deviceId, platform: d.platform, ...sshPorts(d, since) })), logger: opts.logger });
    const ciena = devices.filter((d) => d.vendor.toLowerCase() === 'ciena');
    if (opts.mcp && ciena.length > 0) {
      const managed = new Set(ciena.map((d) => d.deviceId));
      // A Ciena switch's LLDP tells MCP its neighbours, so MCP knows every cable a Ciena port ends.
      const links = (opts.cables ?? []).filter((c) => managed.has(c.a.deviceId) || managed.has(c.b.deviceId)).map((c) => ({ a: { name: c.a.hostname, port: c.a.ifName }, b: { name: c.b.hostname, port: c.b.ifName } }));
      mcp = await startMcpSimulator({ elements: ciena.map((d) => ({ name: d.hostname, ipAddress: d.address, ports: mcpPorts(d) })), links, logger: opts.logger });
    }
    if (opts.icmpPaths > 0) icmp = await startIcmpLab({ paths: opts.icmpPaths, logger: opts.logger });
  } catch (err) {
    await close();
    throw err;
  }
  // An SSH scenario on a port lowers its light over every protocol that reads the port.
  const sshScenario = async (lab: SshLab, s: SshScenario) => {
    const d = devices.find((x) => x.deviceId === s?.deviceId);
    const iface = d && s.port ? d.interfaces?.find((i) => cliPortOf(d.platform, i) === s.port) : undefined;
    if (iface && plannedDark(iface) && s.linkDown === false) throw new OpsError('LAB_BAD_SCENARIO', `ssh scenario: ${s.port} of ${s.deviceId} is dark in the lab's plan (${iface.name} has no light to bring back)`);
    const result = await applySshScenario(lab, s);
    const port = d && iface ? lab.device(d.deviceId)?.state.port(s.port!) : undefined;
    if (!d || !iface || !port || (s.degradeDb === undefined && s.linkDown === undefined)) return result;
    const light = { degradeDb: port.degradeDb, linkDown: port.linkDown };
    const facility = mcp && d.vendor.toLowerCase() === 'ciena' && mcp.element(d.hostname)?.ports.some((p) => p.port === mcpPortOf(iface)) ? mcpPortOf(iface) : null;
    if (facility) {
      mcp!.degrade(d.hostname, facility, light.degradeDb);
      mcp!.setDark(d.hostname, facility, light.linkDown || plannedDark(iface));
    }
    await opts.onPortLight?.(d.deviceId, iface, light);
    return { ...result, applied: [...result.applied, `${iface.name} over SNMP${facility ? ' and MCP' : ''} too`] };
  };
  /** The SNMP interface name of an SSH port (null: the port is the CLI's own, not an interface of the plan). */
  const interfaceOfSshPort = (deviceId: string, port: string) => {
    const d = devices.find((x) => x.deviceId === deviceId);
    return d?.interfaces?.find((i) => cliPortOf(d.platform, i) === port)?.name ?? null;
  };
  const pathOf = new Map<string, number>(); // the first devices stand behind the ICMP paths
  devices.slice(0, icmp?.paths.length ?? 0).forEach((d, i) => pathOf.set(d.deviceId, i));
  return {
    labelsFor(deviceId) {
      const labels: Record<string, string> = {};
      const s = ssh?.device(deviceId);
      if (s) Object.assign(labels, { 'ssh.credential': labSshCredentialName(deviceId), 'ssh.port': String(s.port), 'ssh.ports': s.ports.join(','), 'ssh.platform': s.platform });
      const p = pathOf.get(deviceId);
      if (p !== undefined && icmp) labels['icmp.address'] = icmp.paths[p].delayedAddress(0);
      return labels;
    },
    credentials: () => Object.fromEntries((ssh?.devices ?? []).map((d) => [labSshCredentialName(d.deviceId), { kind: 'ssh-password', username: d.username, password: d.password } satisfies Credential])),
    mcp: mcp ? { url: mcp.url, username: mcp.username, password: mcp.password } : null,
    async scenario(kind, body) {
      if (kind === 'ssh' && ssh) return sshScenario(ssh, body as SshScenario);
      if (kind === 'ciena' && mcp) return applyCienaScenario(mcp, body as CienaScenario);
      if (kind === 'icmp' && icmp) return applyIcmpScenario(icmp, body as IcmpScenario);
      throw new OpsError('LAB_BAD_SCENARIO', `no ${kind} lab is running (scenarios: ${[ssh && 'ssh', mcp && 'ciena', icmp && 'icmp'].filter(Boolean).join(', ') || 'none'})`);
    },
    describe: () => ({
      ssh: ssh?.devices.map((d) => ({ deviceId: d.deviceId, platform: d.platform, port: d.port, ports: d.ports, interfaces: d.ports.map((p) => interfaceOfSshPort(d.deviceId, p)) })) ?? [],
      mcp: mcp ? { url: mcp.url, elements: mcp.elements.map((e) => ({ name: e.name, ports: e.ports.map((p) => p.port) })), links: mcp.links } : null,
      icmp: icmp?.paths.map((p) => ({ path: p.name, routerAddress: p.routerAddress, delayedAddress: p.delayedAddress(0), ...p.state() })) ?? [],
    }),
    close,
  };
}

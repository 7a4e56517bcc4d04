// Settings of the `lab` role, through the same schema as every role (`opsconductor lab --help`,
// `config check --role lab`, docs/configuration.md).
import { defineSettings } from '../../common/config.js';
import { SNMP_AGENT_ENGINES } from './snmp-agents.js';

const ROOT = process.getuid?.() === 0;

export const labSettings = defineSettings({
  devices: { kind: 'int', env: 'LAB_DEVICES', default: 4, min: 1, max: 10_000, doc: 'simulated devices' },
  interfaces: { kind: 'int', env: 'LAB_INTERFACES', default: 8, min: 1, max: 1_000, doc: 'interfaces per device' },
  seed: { kind: 'int', env: 'LAB_SEED', default: 1, min: 0, max: 2 ** 31 - 1, doc: 'seed of the generated devices and their traffic (same seed, same lab)' },
  snmpHost: { kind: 'string', env: 'LAB_SNMP_HOST', default: '127.0.0.1', doc: 'address the SNMP agents listen on' },
  snmpPort: { kind: 'int', env: 'LAB_SNMP_PORT', default: 11_161, min: 1, max: 65_535, doc: 'first UDP port of the SNMP agents' },
  snmpAgent: { kind: 'string', env: 'LAB_SNMP_AGENT', default: 'snmpsim', choices: SNMP_AGENT_ENGINES, doc: 'snmpsim (PyPI, ~30 polls/s a process) or node: the in-process agent, for labs beyond that' },
  advertisedAddress: { kind: 'string', env: 'LAB_ADVERTISED_ADDRESS', default: '', doc: 'address written into the inventory for the collectors to poll: an IP, or auto (this host\'s first non-loopback IPv4; behind Docker); empty: LAB_SNMP_HOST' },
  httpPort: { kind: 'int', env: 'LAB_HTTP_PORT', default: 18_090, min: 0, max: 65_535, doc: 'port of the lab\'s HTTP endpoints (scenarios, the MCP simulator)' },
  dataDir: { kind: 'string', env: 'LAB_DATA_DIR', default: '.run/lab', doc: 'folder of the generated device data, the inventory and the lab\'s credential store' },
  recordedWalks: { kind: 'list', env: 'LAB_RECORDED_WALKS', default: ['linux-full-walk', 'winxp-full-walk'], doc: 'recorded agents served beside the generated devices (LAB_RECORDED_WALKS="" serves none)' },
  trapTargets: { kind: 'list', env: 'LAB_TRAP_TARGETS', default: [], doc: 'trap receivers (host:port, comma separated) the devices send coldStart, linkDown and linkUp to when a scenario changes them' },
  ssh: { kind: 'bool', env: 'LAB_SSH', default: true, doc: 'SSH CLIs per device' },
  mcp: { kind: 'bool', env: 'LAB_MCP', default: true, doc: 'the Ciena MCP simulator' },
  icmpPaths: { kind: 'int', env: 'LAB_ICMP_PATHS', default: ROOT ? 1 : 0, defaultText: '1 as root, else 0', min: 0, max: 8, doc: 'network-namespace ICMP paths with loss and latency (needs root: namespaces, veth pairs, iptables)' },
  netboxPort: { kind: 'int', env: 'LAB_NETBOX_PORT', default: -1, min: -1, max: 65_535, doc: 'port of a NetBox simulator listing the lab\'s devices for `inventory sync-netbox` (-1: none; 0: any free port)' },
  netboxToken: { kind: 'string', env: 'LAB_NETBOX_TOKEN', default: '0123456789abcdef0123456789abcdef01234567', doc: 'API token of the NetBox simulator (a lab fixture, not a secret)' },
});

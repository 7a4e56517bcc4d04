// One physical port of a lab device as each of its protocols names it: the SNMP interface
// (ifIndex, ifName), the CLI's port (the reverse of devices/port-interfaces.ts: an IOS-XR optics
// controller's location, a SAOS port number, a Junos ifName) and on Ciena devices the MCP
// facility. The lab keeps one state per port: the CLI and MCP start from the levels the SNMP
// agent serves, and a scenario that lowers a port's light (or takes its link down) over one
// protocol does it over all of them, so the one series the processor makes of them does not
// alternate between two truths.
import { portOfInterface } from '../../devices/port-interfaces.js';
import type { SimPortSpec } from './ciena/mcp-simulator.js';
import { operStatus } from './lab-traps.js';
import { NO_LIGHT_DBM, rxObjects, type PortOptics } from './optics.js';
import type { PlatformId } from './platforms.js';
import type { ServedInteger } from './served-values.js';
import type { PortBaseline } from './ssh/device-state.js';
import { labCliPlatform } from './ssh/platform-cli.js';

/** A CLI poll reads each port with its own command: the first interfaces answer over SSH. */
export const SSH_LAB_PORTS = 4;

export interface SharedInterface {
  index: number;
  name: string;
  optics: PortOptics;
}

/** The plan left the port without light (down, nothing received): no scenario can give it light. */
export const plannedDark = (i: SharedInterface) => i.optics.rxDbm <= NO_LIGHT_DBM;

export interface SharedPortsDevice {
  platform: string;
  interfaces?: SharedInterface[];
}

/** What the platform's CLI calls the interface, or null when the lab has no CLI for the platform. */
export function cliPortOf(platform: string, i: SharedInterface): string | null {
  const cli = labCliPlatform(platform);
  return cli ? portOfInterface(cli, i.index, i.name) : null;
}

/** The SSH lab's ports of a device with the levels its SNMP agent serves; null: no interfaces to share. */
export function sshPorts(d: SharedPortsDevice, snmpSinceMs: number): { ports: string[]; optics: PortBaseline[] } | null {
  const shared = (d.interfaces ?? []).slice(0, SSH_LAB_PORTS).flatMap((i) => {
    const port = cliPortOf(d.platform, i);
    return port === null ? [] : [{ i, port }];
  });
  if (shared.length === 0) return null;
  return {
    ports: shared.map((s) => s.port),
    optics: shared.map(({ i, port }) => ({
      port,
      rxDbm: i.optics.rxDbm,
      txDbm: i.optics.txDbm,
      down: plannedDark(i),
      wave: { amplitudeDb: i.optics.amplitudeDb, ratePerSec: i.optics.ratePerSec, sinceMs: snmpSinceMs },
    })),
  };
}

/** MCP's facility name of an interface: "1/2" is "1-2". */
export const mcpPortOf = (i: SharedInterface) => portOfInterface('mcp', i.index, i.name);

/** The MCP facilities of a Ciena device: its interfaces as "slot-port", at the levels SNMP serves. */
export function mcpPorts(d: SharedPortsDevice): SimPortSpec[] | undefined {
  if (!d.interfaces?.length) return undefined;
  return d.interfaces.map((i) => ({ port: mcpPortOf(i), oprDbm: i.optics.rxDbm, optDbm: i.optics.txDbm, dark: plannedDark(i) }));
}

export interface PortLight {
  degradeDb: number;
  linkDown: boolean;
}

/**
 * What the SNMP agent serves for a port in `light`: its Rx levels lowered by degradeDb (no light
 * when the link is down) and ifOperStatus; the values of the data file (null) when nothing is
 * applied. A port the plan left dark stays dark: its agent has no light to give back.
 */
export function snmpPortLight(platform: PlatformId, i: SharedInterface, light: PortLight): ServedInteger[] {
  const normal = !light.linkDown && light.degradeDb === 0;
  const dbm = light.linkDown || plannedDark(i) ? null : Math.max(i.optics.rxDbm - light.degradeDb, NO_LIGHT_DBM);
  const rx = rxObjects(platform, i.index, i.optics).map((o) => ({ oid: o.oid, value: normal ? null : o.units(dbm) }));
  return [...rx, light.linkDown ? operStatus(i.index, false) : { oid: operStatus(i.index, false).oid, value: null }];
}

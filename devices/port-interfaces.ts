// Which interface a port is when a platform's CLI or element manager numbers it instead of naming
// it: the IOS-XR optics controller "0/0/0/1" is the interface at that location
// (HundredGigE0/0/0/1), a SAOS port number is the port's ifIndex (the WWP MIBs index ports by it),
// an MCP facility "1-2" is the element's port "1/2". Junos CLIs print the ifName itself.
//
// Why names learned from the device's SNMP interface table and not a naming convention alone: the
// location says where, not what kind (HundredGigE or TenGigE is the optic's speed, which the CLI
// capture does not reliably say), and a SAOS port number says nothing of its name at all. So each
// platform's rule picks among the names the device's own polls reported (ifIndex → name, kept in
// the processor's checkpointed device state), and answers null when none fits (or more than one
// does): the caller then keeps the platform's own number, never an invented name.
// A neutral module: the processor names readings with it, the lab names its CLI ports with it.

export type PortScheme = 'junos' | 'ios-xr' | 'saos' | 'mcp';

/** IOS-XR's rack/slot/instance/port, as `show controllers optics` takes it. */
const XR_LOCATION = /^\d+(?:\/\d+){3}$/;
/** An IOS-XR interface name: a type, then the location (no sub-interface, no breakout lane). */
const XR_INTERFACE = /^([A-Za-z][A-Za-z-]*?)(\d+(?:\/\d+){3})$/;
/** IOS-XR lists its controllers in the interface table too; they are not the port's interface. */
const XR_CONTROLLERS = new Set(['optics', 'coherentdsp', 'otu', 'odu', 'dwdm', 'wanphy']);

function iosXrInterface(port: string, names: Iterable<string>): string | null {
  if (!XR_LOCATION.test(port)) return null;
  let found: string | null = null;
  for (const name of names) {
    const m = XR_INTERFACE.exec(name);
    if (!m || m[2] !== port || XR_CONTROLLERS.has(m[1].toLowerCase())) continue;
    if (found !== null && found !== name) return null; // two interfaces at one location: ambiguous
    found = name;
  }
  return found;
}

function mcpInterface(port: string, names: Iterable<string>): string | null {
  const wanted = new Set([port, port.replaceAll('-', '/')]);
  for (const name of names) if (wanted.has(name)) return name;
  return null;
}

/**
 * The interface name of `port` as `scheme` numbers it, among the device's interface names by
 * ifIndex, or null when the names do not say which one it is.
 */
export function interfaceOfPort(scheme: PortScheme, port: string, names: ReadonlyMap<string, string>): string | null {
  switch (scheme) {
    case 'junos':
      return port; // the CLI prints the ifName
    case 'ios-xr':
      return iosXrInterface(port, names.values());
    case 'saos':
      // SAOS 6 numbers ports as their ifIndex (the WWP tables' index, as the SNMP optics are named);
      // SAOS 10 names them "1/9", as its interfaces are named
      return (/^\d+$/.test(port) ? names.get(port) : undefined) ?? ([...names.values()].includes(port) ? port : null);
    case 'mcp':
      return mcpInterface(port, names.values());
  }
}

/** The reverse, for a lab that serves one interface over both: the port `scheme` calls interface (ifIndex, name). */
export function portOfInterface(scheme: PortScheme, ifIndex: number, name: string): string {
  switch (scheme) {
    case 'junos':
      return name;
    case 'ios-xr':
      return XR_INTERFACE.exec(name)?.[2] ?? name;
    case 'saos':
      return String(ifIndex);
    case 'mcp':
      return name.replaceAll('/', '-');
  }
}

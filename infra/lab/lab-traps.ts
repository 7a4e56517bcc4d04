// The lab's devices tell trap receivers what its scenarios do to them, as real ones would:
// a reboot sends a coldStart from every device, a link scenario a linkDown or linkUp (IF-MIB
// objects plus ifName) from its device, each SNMPv2c with the device's own community. The link
// scenario also changes the ifOperStatus the device's agent serves (snmpsim reads its data file
// per request; the value keeps its length, so the file's index stays valid), so the next poll
// confirms the trap.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../common/log.js';
import type { LabDevice } from './lab.js';
import { linkVarbinds, sendNotification, type NotificationName, type TrapReceiverAddress } from './trap-sender.js';

/** "host:port" entries (LAB_TRAP_TARGETS) → receiver addresses; names the entry it cannot read. */
export function parseTrapTargets(entries: readonly string[]): TrapReceiverAddress[] {
  return entries.map((e) => {
    const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(e.trim());
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65_535) throw Object.assign(new Error(`LAB_TRAP_TARGETS entry "${e}" is not host:port`), { code: 'CONFIG_INVALID' });
    return { address: m[1], port };
  });
}

export interface LinkScenario {
  deviceId: string;
  /** The interface, by ifIndex or by name. */
  ifIndex?: number;
  ifName?: string;
  up: boolean;
}

export interface LabTraps {
  coldStart(devices: LabDevice[]): Promise<number>;
  link(devices: LabDevice[], scenario: LinkScenario): Promise<{ applied: string[] }>;
}

export function labTraps(opts: { targets: TrapReceiverAddress[]; recordsDir: string; logger: Logger }): LabTraps {
  const { targets, logger } = opts;
  const send = async (d: LabDevice, name: NotificationName, vbs: Parameters<typeof linkVarbinds>[0] | null) => {
    for (const to of targets) {
      await sendNotification(to, { version: 'v2c', community: d.community }, name, vbs ? linkVarbinds(vbs) : []).catch((err: Error) =>
        logger.warn('lab trap not sent', { deviceId: d.deviceId, trap: name, to: `${to.address}:${to.port}`, err: err.message }),
      );
    }
  };
  return {
    async coldStart(devices) {
      for (const d of devices) await send(d, 'coldStart', null);
      return targets.length === 0 ? 0 : devices.length;
    },
    async link(devices, s) {
      const d = devices.find((x) => x.deviceId === s.deviceId);
      if (!d) throw Object.assign(new Error(`snmp link scenario: no lab device ${s.deviceId}`), { code: 'LAB_BAD_SCENARIO' });
      const i = d.interfaces.find((x) => x.index === s.ifIndex || x.name === s.ifName);
      if (!i) throw Object.assign(new Error(`snmp link scenario: device ${s.deviceId} has no interface ${s.ifName ?? s.ifIndex}`), { code: 'LAB_BAD_SCENARIO' });
      if (typeof s.up !== 'boolean') throw Object.assign(new Error('snmp link scenario: "up" must be true or false'), { code: 'LAB_BAD_SCENARIO' });
      i.operStatus = s.up ? 'up' : 'down';
      await setOperStatus(path.join(opts.recordsDir, `${d.deviceId}.snmprec`), i.index, s.up);
      await send(d, s.up ? 'linkUp' : 'linkDown', { ifIndex: i.index, ifName: i.name, up: s.up });
      logger.info('lab link scenario', { deviceId: d.deviceId, ifName: i.name, up: s.up, trapsTo: targets.length });
      return { applied: [`${d.deviceId} ${i.name} ${s.up ? 'up' : 'down'}${targets.length ? `, ${s.up ? 'linkUp' : 'linkDown'} sent to ${targets.length} receiver(s)` : ''}`] };
    },
  };
}

/** Rewrites ifOperStatus.<index> in a device's snmprec file (1 up, 2 down: same length). */
async function setOperStatus(file: string, ifIndex: number, up: boolean): Promise<void> {
  const text = await readFile(file, 'utf8');
  const prefix = `1.3.6.1.2.1.2.2.1.8.${ifIndex}|2|`;
  const line = text.startsWith(prefix) ? 0 : text.indexOf(`\n${prefix}`) + 1; // 0: not found (or first line)
  if (line === 0 && !text.startsWith(prefix)) throw Object.assign(new Error(`${file} serves no ifOperStatus.${ifIndex}`), { code: 'LAB_BAD_SCENARIO' });
  const valueAt = line + prefix.length;
  await writeFile(file, text.slice(0, valueAt) + (up ? '1' : '2') + text.slice(valueAt + 1), 'utf8');
}

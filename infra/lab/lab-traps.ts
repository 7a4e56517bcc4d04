// The lab's devices tell trap receivers what its scenarios do to them, as real ones would:
// a reboot sends a coldStart from every device, a link scenario a linkDown or linkUp (IF-MIB
// objects plus ifName) from its device, each SNMPv2c with the device's own community. The link
// scenario also changes the ifOperStatus the device's agent serves (either engine:
// served-values.ts), so the next poll confirms the trap.
import type { Logger } from '../../common/log.js';
import type { ServedInteger } from './served-values.js';
import type { LabDevice } from './lab.js';
import type snmp from 'net-snmp';
import { domAlarmVarbinds, envMonVarbinds, linkVarbinds, sendNotification, type NotificationName, type TrapReceiverAddress } from './trap-sender.js';
import { OpsError } from '../../common/errors.js';

/** "host:port" entries (LAB_TRAP_TARGETS) → receiver addresses; names the entry it cannot read. */
export function parseTrapTargets(entries: readonly string[]): TrapReceiverAddress[] {
  return entries.map((e) => {
    const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(e.trim());
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65_535) throw new OpsError('CONFIG_INVALID', `LAB_TRAP_TARGETS entry "${e}" is not host:port`);
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

/**
 * An equipment or optical alarm, sent as the device's platform would: a fan or power supply of a
 * cisco-iosxr device (ciscoEnvMonFanNotification / RedundantSupplyNotification; its agent serves
 * the new state too), receive loss of signal on a juniper-junos interface (jnxDomAlarmSet, and
 * jnxDomAlarmCleared when it ends).
 */
export interface AlarmScenario {
  deviceId: string;
  fan?: number;
  supply?: number;
  ifIndex?: number;
  ifName?: string;
  failed: boolean;
}

export interface LabTraps {
  coldStart(devices: LabDevice[]): Promise<number>;
  link(devices: LabDevice[], scenario: LinkScenario): Promise<{ applied: string[] }>;
  alarm(devices: LabDevice[], scenario: AlarmScenario): Promise<{ applied: string[] }>;
}

const badScenario = (message: string) => new OpsError('LAB_BAD_SCENARIO', message);

/** What the device of `community` serves from now on (SnmpAgents.serve). */
export type ServeIntegers = (community: string, changes: readonly ServedInteger[]) => Promise<void>;

export function labTraps(opts: { targets: TrapReceiverAddress[]; serve: ServeIntegers; logger: Logger }): LabTraps {
  const { targets, logger } = opts;
  const send = async (d: LabDevice, name: NotificationName, vbs: Parameters<typeof linkVarbinds>[0] | snmp.Varbind[] | null) => {
    for (const to of targets) {
      await sendNotification(to, { version: 'v2c', community: d.community }, name, vbs === null ? [] : Array.isArray(vbs) ? vbs : linkVarbinds(vbs)).catch((err: Error) =>
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
      if (!d) throw new OpsError('LAB_BAD_SCENARIO', `snmp link scenario: no lab device ${s.deviceId}`);
      const i = d.interfaces.find((x) => x.index === s.ifIndex || x.name === s.ifName);
      if (!i) throw new OpsError('LAB_BAD_SCENARIO', `snmp link scenario: device ${s.deviceId} has no interface ${s.ifName ?? s.ifIndex}`);
      if (typeof s.up !== 'boolean') throw new OpsError('LAB_BAD_SCENARIO', 'snmp link scenario: "up" must be true or false');
      i.operStatus = s.up ? 'up' : 'down';
      await opts.serve(d.community, [operStatus(i.index, s.up)]);
      await send(d, s.up ? 'linkUp' : 'linkDown', { ifIndex: i.index, ifName: i.name, up: s.up });
      logger.info('lab link scenario', { deviceId: d.deviceId, ifName: i.name, up: s.up, trapsTo: targets.length });
      return { applied: [`${d.deviceId} ${i.name} ${s.up ? 'up' : 'down'}${targets.length ? `, ${s.up ? 'linkUp' : 'linkDown'} sent to ${targets.length} receiver(s)` : ''}`] };
    },
    async alarm(devices, s) {
      const d = devices.find((x) => x.deviceId === s.deviceId);
      if (!d) throw badScenario(`snmp alarm scenario: no lab device ${s.deviceId}`);
      if (typeof s.failed !== 'boolean') throw badScenario('snmp alarm scenario: "failed" must be true or false');
      const sent = targets.length ? `, sent to ${targets.length} receiver(s)` : '';
      const what = s.fan !== undefined ? 'fan' : s.supply !== undefined ? 'supply' : null;
      if (what !== null) {
        if (d.platform !== 'cisco-iosxr') throw badScenario(`snmp alarm scenario: ${d.deviceId} (${d.platform}) serves no CISCO-ENVMON-MIB; fans and supplies are cisco-iosxr's`);
        const index = (s.fan ?? s.supply)!;
        await opts.serve(d.community, [{ oid: `1.3.6.1.4.1.9.9.13.1.${what === 'fan' ? 4 : 5}.1.3.${index}`, value: s.failed ? 3 : 1 }]);
        const name = what === 'fan' ? 'ciscoEnvMonFanNotification' : 'ciscoEnvMonRedundantSupplyNotification';
        await send(d, name, envMonVarbinds(what, index, s.failed));
        logger.info('lab alarm scenario', { deviceId: d.deviceId, [what]: index, failed: s.failed, trapsTo: targets.length });
        return { applied: [`${d.deviceId} ${what} ${index} ${s.failed ? 'failed' : 'normal'}, ${name}${sent}`] };
      }
      const i = d.interfaces.find((x) => x.index === s.ifIndex || x.name === s.ifName);
      if (!i) throw badScenario(`snmp alarm scenario: name a fan, a supply or an interface of ${d.deviceId} (ifIndex or ifName)`);
      if (d.platform !== 'juniper-junos') throw badScenario(`snmp alarm scenario: ${d.deviceId} (${d.platform}) sends no DOM alarm notifications; loss of signal is juniper-junos's`);
      const name = s.failed ? 'jnxDomAlarmSet' : 'jnxDomAlarmCleared';
      await send(d, name, domAlarmVarbinds(i.index, i.name, s.failed));
      logger.info('lab alarm scenario', { deviceId: d.deviceId, ifName: i.name, lossOfSignal: s.failed, trapsTo: targets.length });
      return { applied: [`${d.deviceId} ${i.name} ${s.failed ? 'loss of signal' : 'signal back'}, ${name}${sent}`] };
    },
  };
}

/** ifOperStatus.<index>: 1 up, 2 down. */
export function operStatus(ifIndex: number, up: boolean): ServedInteger {
  return { oid: `1.3.6.1.2.1.2.2.1.8.${ifIndex}`, value: up ? 1 : 2 };
}

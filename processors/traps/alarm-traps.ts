// Equipment and optical alarm notifications of the lab's platforms, read as what they say about a
// polled series (trap-events.ts raises or clears the anomaly on it at once, as for linkDown):
// - CISCO-ENVMON-MIB ciscoEnvMonFanNotification / ciscoEnvMonRedundantSupplyNotification (IOS-XR,
//   IOS): one notification type for failure and recovery, the new ciscoEnvMonFanState /
//   ciscoEnvMonSupplyState (normal 1 … notFunctioning 6) in its varbinds. A sample of
//   env_fan_state / env_power_supply_state{sensor}, judged by the rules of those metrics (the
//   built-in fan-failed / power-supply-failed files); back to normal (1) clears.
// - JUNIPER-DOM-MIB jnxDomAlarmSet / jnxDomAlarmCleared (Junos): ifDescr and jnxDomCurrentAlarms
//   (BITS; bit 0 domRxLossSignalAlarm). Loss of signal raises optical-rx-low CRITICAL on the
//   interface's optical Rx series (the one its optics polls report); a cleared alarm, or a set
//   one without the LOS bit, clears it.
import type { RawTrap, SnmpValue } from '../../schemas/types.js';

export const ALARM_TRAP_OIDS = {
  ciscoEnvMonFanNotification: '1.3.6.1.4.1.9.9.13.3.0.4',
  ciscoEnvMonRedundantSupplyNotification: '1.3.6.1.4.1.9.9.13.3.0.5',
  jnxDomAlarmSet: '1.3.6.1.4.1.2636.4.18.0.1',
  jnxDomAlarmCleared: '1.3.6.1.4.1.2636.4.18.0.2',
} as const;

const ENV_NORMAL = 1;

/** What an alarm notification says: a state sample of an environment series, or optical LOS on an interface. */
export type AlarmReading =
  | { kind: 'state'; notification: string; metric: 'env_fan_state' | 'env_power_supply_state'; sensor: string; value: number; normal: boolean; what: string }
  | { kind: 'optical-los'; lost: boolean; what: string };

const numberOf = (v: SnmpValue) => v.number ?? (v.counter === null ? null : Number(v.counter));

/** The first octet of a BITS value as the receiver wrote it: "0x…" hex when not printable, else text. */
export function firstOctet(v: SnmpValue | undefined): number {
  const t = v?.text ?? '';
  if (/^0x[0-9a-f]{2}/i.test(t)) return parseInt(t.slice(2, 4), 16);
  return t.length > 0 ? t.charCodeAt(0) & 0xff : 0;
}

export function alarmReadings(trap: RawTrap): AlarmReading[] {
  switch (trap.trapOid) {
    case ALARM_TRAP_OIDS.ciscoEnvMonFanNotification:
    case ALARM_TRAP_OIDS.ciscoEnvMonRedundantSupplyNotification: {
      const fan = trap.trapOid === ALARM_TRAP_OIDS.ciscoEnvMonFanNotification;
      const column = fan ? 'ciscoEnvMonFanState' : 'ciscoEnvMonSupplyState';
      const descr = fan ? 'ciscoEnvMonFanStatusDescr' : 'ciscoEnvMonSupplyStatusDescr';
      const out: AlarmReading[] = [];
      for (const v of trap.values) {
        const value = v.name === column ? numberOf(v) : null;
        if (value === null) continue;
        const name = trap.values.find((d) => d.name === descr && d.index === v.index)?.text ?? `${fan ? 'fan' : 'power supply'} ${v.index}`;
        out.push({ kind: 'state', notification: fan ? 'ciscoEnvMonFanNotification' : 'ciscoEnvMonRedundantSupplyNotification', metric: fan ? 'env_fan_state' : 'env_power_supply_state', sensor: v.index, value, normal: value === ENV_NORMAL, what: `${name} state ${value}` });
      }
      return out;
    }
    case ALARM_TRAP_OIDS.jnxDomAlarmSet:
    case ALARM_TRAP_OIDS.jnxDomAlarmCleared: {
      const alarms = trap.values.find((v) => v.name === 'jnxDomCurrentAlarms');
      const lost = trap.trapOid === ALARM_TRAP_OIDS.jnxDomAlarmSet && (firstOctet(alarms) & 0x80) !== 0;
      return [{ kind: 'optical-los', lost, what: lost ? 'receive loss of signal (jnxDomAlarmSet)' : 'optical alarms cleared' }];
    }
    default:
      return [];
  }
}

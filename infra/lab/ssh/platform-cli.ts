// What each simulated platform prints: prompt, pager prompt, the command that turns paging off,
// its "unknown command" answer, and the optics / interface-state commands the SSH collector
// runs, rendered from the device's live state in the same layout as the real CLIs (see
// collectors/ssh/fixtures for the samples these follow).

import { DeviceState, milliwatts, NO_LIGHT_DBM } from './device-state.js';

export type LabPlatform = 'junos' | 'ios-xr' | 'saos';

export interface PlatformCli {
  prompt(hostname: string): string;
  more: string;
  pagingOff: RegExp;
  answer(command: string, state: DeviceState): string | null; // null: unknown command
  unknown(command: string): string;
  defaultPorts: string[];
}

const pad = (s: string | number, n: number) => String(s).padStart(n);
const padEnd = (s: string | number, n: number) => String(s).padEnd(n);
const junosDbm = (dbm: number) => (dbm <= NO_LIGHT_DBM ? '- Inf' : dbm.toFixed(2));

const junos: PlatformCli = {
  prompt: (h) => `lab@${h}> `,
  more: '---(more)---',
  pagingOff: /^set cli screen-length 0$/,
  defaultPorts: ['xe-0/0/0', 'xe-0/0/1', 'xe-0/0/2', 'xe-0/0/3'],
  unknown: (c) => `${' '.repeat(Math.min(c.length, 20))}^\nunknown command.`,
  answer(command, state) {
    const c = command.replace(/\s*\|\s*no-more\s*$/, '').trim();
    if (c === 'set cli screen-length 0' || c === 'set cli screen-width 0') return `Screen ${c.includes('length') ? 'length' : 'width'} set to 0`;
    if (c === 'show interfaces diagnostics optics') {
      return state.ports
        .map((p) => {
          const r = state.read(p);
          return [
            `Physical interface: ${p.name}`,
            `    Laser bias current                        :  ${r.biasMa.toFixed(3)} mA`,
            `    Laser output power                        :  ${milliwatts(r.txDbm)} mW / ${junosDbm(r.txDbm)} dBm`,
            `    Module temperature                        :  ${Math.round(r.temperatureC)} degrees C / ${Math.round(r.temperatureC * 1.8 + 32)} degrees F`,
            `    Module voltage                            :  ${r.voltageV.toFixed(4)} V`,
            `    Receiver signal average optical power     :  ${milliwatts(r.rxDbm)} mW / ${junosDbm(r.rxDbm)} dBm`,
            `    Laser bias current high alarm             :  Off`,
            `    Laser rx power low alarm                  :  ${r.rxDbm < -17 ? 'On' : 'Off'}`,
            `    Laser rx power low warning                :  ${r.rxDbm < -14 ? 'On' : 'Off'}`,
          ].join('\n');
        })
        .join('\n\n');
    }
    if (c === 'show interfaces terse') {
      const rows = state.ports.flatMap((p) => {
        const link = state.read(p).operUp ? 'up' : 'down';
        return [`${padEnd(p.name, 24)}up    ${link}`, `${padEnd(p.name + '.0', 24)}up    ${padEnd(link, 5)}inet     10.20.${state.ports.indexOf(p)}.1/30`];
      });
      return ['Interface               Admin Link Proto    Local                 Remote', ...rows].join('\n');
    }
    return null;
  },
};

const iosXr: PlatformCli = {
  prompt: (h) => `RP/0/RSP0/CPU0:${h}#`,
  more: ' --More-- ',
  pagingOff: /^terminal length 0$/,
  defaultPorts: ['0/0/0/0', '0/0/0/1', '0/0/0/2', '0/0/0/3'],
  unknown: (c) => `${' '.repeat(Math.min(c.length, 20))}^\n% Invalid input detected at '^' marker.`,
  answer(command, state) {
    const c = command.trim();
    if (c === 'terminal length 0' || c === 'terminal width 0') return '';
    const m = /^show controllers optics (\S+)$/.exec(c);
    if (!m) return null;
    const port = state.port(m[1]);
    if (!port) return `% Controller optics ${m[1]} not found`;
    const r = state.read(port);
    return [
      '',
      ` Controller State: ${r.operUp ? 'Up' : 'Down'}`,
      '',
      ' Transport Admin State: In Service',
      '',
      ` Laser State: On`,
      '',
      ' Optics Status',
      '',
      '         Optics Type:  10G SFP+ LR',
      '         Wavelength = 1310.00 nm',
      '',
      '         Alarm Status:',
      '         -------------',
      `         Detected Alarms: ${r.operUp ? 'None' : 'LOW-RX-PWR'}`,
      '',
      '         LOS/LOL/Fault Status:',
      '',
      `         Laser Bias Current = ${r.biasMa.toFixed(1)} mA`,
      `         Actual TX Power = ${r.txDbm.toFixed(2)} dBm`,
      `         RX Power = ${r.rxDbm.toFixed(2)} dBm`,
      '',
      '         Performance Monitoring: Disable',
      '',
      `         Temperature = ${r.temperatureC.toFixed(2)} Celsius`,
      `         Voltage = ${r.voltageV.toFixed(2)} V`,
      '',
      ' Transceiver Vendor Details',
      '',
      '         Form Factor            : SFP+',
      '         PID                    : SFP-10G-LR',
    ].join('\n');
  },
};

const saos: PlatformCli = {
  prompt: (h) => `${h}> `,
  more: '--more--',
  pagingOff: /^system shell session set more off$/,
  defaultPorts: ['9', '10', '11', '12'],
  unknown: (c) => `SHELL PARSER FAILURE: '${c.split(' ')[0]}' - unknown command`,
  answer(command, state) {
    const c = command.trim();
    if (c === 'system shell session set more off') return '';
    if (c === 'port show') {
      const line = '+---------+---------+----+--------------+----+---+-------+----+----+-------+----+';
      const rows = state.ports.map((p) => {
        const up = state.read(p).operUp;
        return `| ${padEnd(p.name, 8)}| G/10Gig |${up ? ' Up ' : 'Down'}|${pad(up ? '12d 4h10m02s' : '0d 0h 0m 0s', 14)}|${up ? 'Ena ' : 'UCTF'}|Dis|${up ? ' 10G/FD' : '       '}|${up ? 'Off ' : '    '}|Ena | 10G/FD|Off |`;
      });
      return [
        '+-------------------------------------------------------------------------------+',
        '| Port Table        |           Operational Status            |  Admin Config   |',
        '|---------+---------+----+--------------+----+---+-------+----+----+-------+----|',
        '| Port    | Port    |    |  Link State  |    |   |       |Auto|    |       |Auto|',
        '| Name    | Type    |Link|   Duration   |XCVR|STP| Mode  |Neg |Link| Mode  |Neg |',
        '|---------+---------+----+--------------+----+---+-------+----+----+-------+----|',
        ...rows,
        line,
      ].join('\n');
    }
    const m = /^port xcvr show port (\S+) diagnostics$/.exec(c);
    if (!m) return null;
    const port = state.port(m[1]);
    if (!port) return `SHELL PARSER FAILURE: port ${m[1]} does not exist`;
    const r = state.read(port);
    const row = (label: string, v: string) => `| ${padEnd(label, 25)}| ${pad(v, 10)} |     85.000 |     80.000 |     -5.000 |    -10.000 |`;
    return [
      '',
      `+------------------------- XCVR DIAGNOSTICS - Port ${m[1]} --------------------------+`,
      '| Parameter                | Value      | High Alarm | High Warn  | Low Warn   | Low Alarm  |',
      '+--------------------------+------------+------------+------------+------------+------------+',
      row('Temp (degC)', r.temperatureC.toFixed(3)),
      row('Vcc (V)', r.voltageV.toFixed(3)),
      row('Tx Bias (mA)', r.biasMa.toFixed(3)),
      row('Tx Power (mW)', milliwatts(r.txDbm)),
      row('Tx Power (dBm)', r.txDbm.toFixed(3)),
      row('Rx Power (mW)', milliwatts(r.rxDbm)),
      row('Rx Power (dBm)', r.rxDbm.toFixed(3)),
      '+--------------------------+------------+------------+------------+------------+------------+',
    ].join('\n');
  },
};

export const PLATFORM_CLIS: Record<LabPlatform, PlatformCli> = { junos, 'ios-xr': iosXr, saos };

const LAB_IDS: Record<string, LabPlatform> = { junos: 'junos', 'juniper-junos': 'junos', 'ios-xr': 'ios-xr', 'cisco-iosxr': 'ios-xr', saos: 'saos', 'ciena-saos': 'saos' };

/** The CLI for a platform name, accepting the SNMP lab's ids ("juniper-junos"…) too. */
export function labCliPlatform(name: string): LabPlatform | undefined {
  return LAB_IDS[name];
}

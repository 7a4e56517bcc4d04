// The optical state of a simulated device: per port a receive and transmit power that move a
// little over time (a slow wave plus noise, as real DOM readings do), a link state, and the
// scenarios the lab can inject (receive power degraded by N dB, link down).

export interface PortState {
  name: string; // as the platform names it: "xe-0/0/0", "0/0/0/1", "9"
  baseRxDbm: number;
  baseTxDbm: number;
  phase: number; // radians, so ports do not move in step
  degradeDb: number; // scenario: subtracted from rx
  linkDown: boolean; // scenario: no light, oper down
  wave?: PortWave; // the SNMP agent's drift, when the port is one of its interfaces
}

/**
 * The drift the SNMP lab serves for the port (optics.ts: baseline + amplitude × sin(rate × t), t
 * from the agents' start), so the CLI prints what SNMP reports and the two readings of one port
 * make one smooth series rather than two interleaved ones.
 */
export interface PortWave {
  amplitudeDb: number;
  ratePerSec: number;
  sinceMs: number; // epoch ms the SNMP agents count t from
}

export interface DomReading {
  rxDbm: number;
  txDbm: number;
  biasMa: number;
  temperatureC: number;
  voltageV: number;
  operUp: boolean;
}

export const NO_LIGHT_DBM = -40;
const WAVE_PERIOD_MS = 120_000;

/** Baselines to start from, e.g. the SNMP lab's PortOptics, so both protocols see one device. */
export interface PortBaseline {
  port: string;
  rxDbm: number;
  txDbm: number;
  down?: boolean;
  wave?: PortWave;
}

export class DeviceState {
  readonly ports: PortState[];

  constructor(portNames: string[], seed = 1, baselines: PortBaseline[] = []) {
    this.ports = portNames.map((name, i) => {
      const given = baselines.find((b) => b.port === name);
      return {
        name,
        baseRxDbm: given && !given.down ? given.rxDbm : -3 - ((seed * 7 + i * 3) % 5) * 0.4,
        baseTxDbm: given ? given.txDbm : -2 + ((seed + i) % 3) * 0.3,
        phase: (seed * 1.7 + i * 0.9) % (2 * Math.PI),
        degradeDb: 0,
        linkDown: given?.down ?? false,
        ...(given?.wave ? { wave: given.wave } : {}),
      };
    });
  }

  port(name: string): PortState | undefined {
    return this.ports.find((p) => p.name === name);
  }

  read(port: PortState, now = Date.now()): DomReading {
    const wave = Math.sin((2 * Math.PI * now) / WAVE_PERIOD_MS + port.phase);
    const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
    const w = port.wave;
    const drift = w ? w.amplitudeDb * Math.sin((w.ratePerSec * (now - w.sinceMs)) / 1000) : null;
    const noise = w ? 0 : (Math.random() - 0.5) * 0.04;
    return {
      rxDbm: port.linkDown ? NO_LIGHT_DBM : Math.max(NO_LIGHT_DBM, round(port.baseRxDbm + (drift ?? 0.2 * wave) + noise - port.degradeDb, 2)),
      txDbm: round(port.baseTxDbm + (drift ?? 0.05 * wave), 2),
      biasMa: round(34 + 0.5 * wave, 3),
      temperatureC: round(36 + 2 * wave, 1),
      voltageV: round(3.29 + 0.01 * wave, 3),
      operUp: !port.linkDown,
    };
  }
}

export function milliwatts(dbm: number): string {
  return dbm <= NO_LIGHT_DBM ? '0.0000' : (10 ** (dbm / 10)).toFixed(4);
}

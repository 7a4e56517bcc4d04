// Scenario requests the lab's HTTP API forwards to the SSH devices:
//   { "deviceId": "...", "port": "xe-0/0/1", "degradeDb": 6 }   receive power lowered (0 restores)
//   { "deviceId": "...", "port": "9", "linkDown": true }         no light, link down (flap: true then false)
//   { "deviceId": "...", "mode": "silent" | "garbage" | "normal" }
//   { "deviceId": "...", "replaceHostKey": true }
import { OpsError } from '../../../common/errors.js';
import type { DeviceMode } from './cli-shell.js';
import type { SshLab } from './ssh-lab.js';

export interface SshScenario {
  deviceId: string;
  port?: string;
  degradeDb?: number;
  linkDown?: boolean;
  mode?: DeviceMode;
  replaceHostKey?: boolean;
}

export async function applySshScenario(lab: SshLab, s: SshScenario): Promise<{ deviceId: string; applied: string[] }> {
  const device = lab.device(s.deviceId);
  if (!device) throw new OpsError('LAB_BAD_SCENARIO', `ssh scenario: no device "${s.deviceId}"`);
  const applied: string[] = [];
  if ((s.degradeDb !== undefined || s.linkDown !== undefined) && !s.port) throw new OpsError('LAB_BAD_SCENARIO', 'ssh scenario: degradeDb and linkDown need a "port"');
  if (s.degradeDb !== undefined) {
    if (!(s.degradeDb >= 0 && s.degradeDb <= 40)) throw new OpsError('LAB_BAD_SCENARIO', 'ssh scenario: degradeDb must be 0..40');
    device.degrade(s.port!, s.degradeDb);
    applied.push(`degrade ${s.port} ${s.degradeDb} dB`);
  }
  if (s.linkDown !== undefined) {
    device.setLinkDown(s.port!, s.linkDown);
    applied.push(`link ${s.port} ${s.linkDown ? 'down' : 'up'}`);
  }
  if (s.mode !== undefined) {
    if (!['normal', 'silent', 'garbage'].includes(s.mode)) throw new OpsError('LAB_BAD_SCENARIO', 'ssh scenario: mode must be normal, silent or garbage');
    device.setMode(s.mode);
    applied.push(`mode ${s.mode}`);
  }
  if (s.replaceHostKey) {
    await device.replaceHostKey();
    applied.push('host key replaced');
  }
  if (applied.length === 0) throw new OpsError('LAB_BAD_SCENARIO', 'ssh scenario: nothing to apply');
  return { deviceId: s.deviceId, applied };
}

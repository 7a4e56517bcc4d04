// Which profiles a device is polled with. Those its inventory entry lists; when it lists none,
// the generic ones (system, interfaces) and every profile whose `match` fits the device: its
// inventory vendor, or the sysObjectID it answers (read once with the identity profile, again
// after REFRESH_MS or when it could not be read). So a Cisco box added with only an address and
// a credential is polled for its optics and environment without anyone naming the MIBs.
import type { Logger } from '../../common/log.js';
import { matchingProfiles, type SnmpProfile } from '../../devices/snmp-profile.js';
import type { Device } from '../../schemas/types.js';
import type { SnmpPoller, SnmpTarget } from './poller.js';
import { HOUR_MS } from '../../common/time-units.js';

export const GENERIC_PROFILES = ['system', 'interfaces'];
const REFRESH_MS = HOUR_MS; // a device replaced behind the same id and address shows within the hour

export type ProfileChooser = (device: Device, target: SnmpTarget) => Promise<string[]>;

export function createProfileChooser(poller: Pick<SnmpPoller, 'poll'>, profiles: Record<string, SnmpProfile>, logger: Logger, now = () => Date.now()): ProfileChooser {
  const identities = new Map<string, { address: string; sysObjectID: string; at: number }>();

  const sysObjectIDOf = async (device: Device, target: SnmpTarget): Promise<string | null> => {
    const known = identities.get(device.deviceId);
    if (known && known.address === device.address && now() - known.at < REFRESH_MS) return known.sysObjectID;
    const poll = await poller.poll(target, 'identity');
    const oid = poll.values.find((v) => v.name === 'sysObjectID')?.text ?? null;
    if (poll.error || oid === null) {
      // Chosen by vendor alone this time; tried again at the next poll.
      logger.debug('sysObjectID not read: profiles chosen by vendor only', { deviceId: device.deviceId, error: poll.error?.code ?? 'NO_VALUE' });
      return null;
    }
    identities.set(device.deviceId, { address: device.address, sysObjectID: oid, at: now() });
    return oid;
  };

  return async (device, target) => {
    const listed = device.snmp?.profiles ?? [];
    if (listed.length > 0) return listed;
    const sysObjectID = await sysObjectIDOf(device, target);
    const matched = matchingProfiles(Object.values(profiles), { sysObjectID, vendor: device.vendor });
    return [...GENERIC_PROFILES, ...matched.filter((p) => !GENERIC_PROFILES.includes(p))];
  };
}

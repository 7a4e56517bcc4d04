// The poller's output is the RawSshCapture record of telemetry.raw.ssh (schemas/types.ts); this
// file adds what the poller needs to reach a device.
export type { ParsedValue, RawSshCapture } from '../../schemas/types.js';

export interface SshTarget {
  deviceId: string;
  address: string; // IPv4 or IPv6 literal
  port: number;
  platform: string; // "junos" | "ios-xr" | "saos" (see platforms.ts)
  username: string;
  password?: string;
  privateKey?: string | Buffer; // OpenSSH or PEM private key
  passphrase?: string; // of an encrypted privateKey
  /** Ports / optics controllers to read where the platform asks per port (IOS-XR "0/0/0/0", SAOS "9"). */
  ports?: string[];
}

// SNMPv3 users the lab's snmpsim serves, one per security level and per SHA-2 variant, so the
// poller's v3 paths run against a real USM implementation (pysnmp's). An SNMPv3 request selects a
// device by context name: snmpsim registers each data file under its community name (the device
// id), so a v3 target uses context = deviceId.
//
// These pass phrases exist only in the lab: they are test fixtures, not secrets.

import type { SnmpV3Credential } from '../../credentials/credential-types.js';

export interface LabV3User {
  credential: SnmpV3Credential;
  level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
}

// snmpsim's names for the protocols (--v3-auth-proto / --v3-priv-proto)
const SNMPSIM_AUTH: Record<SnmpV3Credential['authProtocol'], string> = { none: 'NONE', md5: 'MD5', sha: 'SHA', sha224: 'SHA224', sha256: 'SHA256', sha384: 'SHA384', sha512: 'SHA512' };
// net-snmp aes256b = Blumenthal key extension (pysnmp AES256BLMT); aes256r = Reeder (pysnmp AES256)
const SNMPSIM_PRIV: Record<SnmpV3Credential['privProtocol'], string> = { none: 'NONE', aes: 'AES', aes256b: 'AES256BLMT', aes256r: 'AES256' };

const AUTH = 'lab-auth-passphrase';
const PRIV = 'lab-priv-passphrase';

function user(name: string, authProtocol: SnmpV3Credential['authProtocol'], privProtocol: SnmpV3Credential['privProtocol']): LabV3User {
  const credential: SnmpV3Credential = { kind: 'snmp-v3', user: name, authProtocol, privProtocol };
  if (authProtocol !== 'none') credential.authKey = `${AUTH}-${name}`;
  if (privProtocol !== 'none') credential.privKey = `${PRIV}-${name}`;
  return { credential, level: authProtocol === 'none' ? 'noAuthNoPriv' : privProtocol === 'none' ? 'authNoPriv' : 'authPriv' };
}

export const LAB_V3_USERS: LabV3User[] = [
  user('lab-noauth', 'none', 'none'),
  user('lab-sha', 'sha', 'none'),
  user('lab-sha-aes', 'sha', 'aes'),
  user('lab-sha224-aes', 'sha224', 'aes'),
  user('lab-sha256-aes', 'sha256', 'aes'),
  user('lab-sha384-aes', 'sha384', 'aes'),
  user('lab-sha512-aes', 'sha512', 'aes'),
  user('lab-sha512-aes256b', 'sha512', 'aes256b'),
  user('lab-sha256-aes256r', 'sha256', 'aes256r'),
];

export function labV3User(name: string): LabV3User {
  const u = LAB_V3_USERS.find((x) => x.credential.user === name);
  if (!u) throw new Error(`no lab SNMPv3 user ${name}`);
  return u;
}

/** snmpsim-command-responder arguments declaring the users (each option applies to the user before it). */
export function snmpsimV3Args(users: LabV3User[]): string[] {
  const args: string[] = [];
  for (const { credential: c } of users) {
    args.push(`--v3-user=${c.user}`);
    if (c.authProtocol !== 'none') args.push(`--v3-auth-key=${c.authKey}`, `--v3-auth-proto=${SNMPSIM_AUTH[c.authProtocol]}`);
    if (c.privProtocol !== 'none') args.push(`--v3-priv-key=${c.privKey}`, `--v3-priv-proto=${SNMPSIM_PRIV[c.privProtocol]}`);
  }
  return args;
}

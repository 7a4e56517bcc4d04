// What the pre-authentication limits count against: the client's address. An IPv6 client
// usually holds a whole /64 and could rotate through it, so IPv6 addresses count by their /64;
// IPv4-mapped IPv6 addresses count as the IPv4 address they carry. Behind a reverse proxy every
// client has the proxy's address (trustProxy is off): raise the per-address limits there.

import { isIPv6 } from 'node:net';

export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  // Expand "::" to the missing groups, then keep the first four (the /64).
  const [head = '', tail = ''] = address.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':') + '::/64';
}

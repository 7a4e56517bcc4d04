// After a timeout: was it silence, or did the network say "nobody here"? net-snmp's socket is
// unconnected, and Linux reports ICMP errors (port/host unreachable) only to connected UDP
// sockets, so a short-lived connected socket sends one empty datagram and listens for the error.
// Only failed polls pay for it, and an empty datagram is ignored by any SNMP agent that is there.

import dgram from 'node:dgram';
import { isIP } from 'node:net';

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);

// Resolves to the errno code when the target is unreachable, null when nothing was heard.
export function probeUnreachable(address: string, port: number, windowMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(isIP(address) === 6 ? 'udp6' : 'udp4');
    let done = false;
    const finish = (code: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        socket.close();
      } catch {
        // already closed by a failed connect
      }
      resolve(code !== null && UNREACHABLE_CODES.has(code) ? code : null);
    };
    const timer = setTimeout(() => finish(null), windowMs);
    socket.on('error', (err: NodeJS.ErrnoException) => finish(err.code ?? null));
    socket.on('message', () => finish(null));
    socket.connect(port, address, () => {
      socket.send(Buffer.alloc(0), (err) => {
        if (err) finish((err as NodeJS.ErrnoException).code ?? null);
      });
    });
  });
}

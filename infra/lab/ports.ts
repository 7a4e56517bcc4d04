// Free loopback ports for tests and ad-hoc labs. snmpsim cannot report a port it picked itself,
// so a UDP port is found by binding port 0, reading it and releasing it (a small race, fine on
// loopback in tests).

import dgram from 'node:dgram';
import net from 'node:net';

export function findFreeUdpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, host, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

export function findFreeTcpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

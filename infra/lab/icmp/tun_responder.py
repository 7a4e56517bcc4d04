"""ICMP echo responder on a TUN device: the lab's stand-in for a slow path.

The kernel here has no netem qdisc, so delay cannot be added to real interfaces. Instead the lab
routes a subnet into a TUN device and this program answers every ICMPv4 echo request it reads,
after `delay` ms plus a uniform jitter in [-jitter, +jitter] ms, optionally dropping a share of
them. fping then measures that delay through the kernel like any real path.

Usage: tun_responder.py IFNAME   (run inside the namespace that owns the route)
Control: lines on stdin, "set <delay_ms> <jitter_ms> <loss_ratio>"; EOF stops the responder.
Writes "ready" on stdout once the device exists, "ok" after each accepted setting.
"""
import fcntl
import heapq
import os
import random
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def echo_reply(packet: bytes):
    """The reply to an IPv4 ICMP echo request, or None for anything else."""
    if len(packet) < 28 or packet[0] >> 4 != 4 or packet[9] != 1:
        return None
    ihl = (packet[0] & 0x0F) * 4
    icmp = packet[ihl:]
    if len(icmp) < 8 or icmp[0] != 8:
        return None
    src, dst = packet[12:16], packet[16:20]
    header = bytearray(packet[:ihl])
    header[8] = 64  # ttl
    header[12:16], header[16:20] = dst, src
    header[10:12] = b"\0\0"
    header[10:12] = struct.pack("!H", checksum(bytes(header)))
    body = bytearray(icmp)
    body[0] = 0  # echo reply
    body[2:4] = b"\0\0"
    body[2:4] = struct.pack("!H", checksum(bytes(body)))
    return bytes(header) + bytes(body)


def main() -> None:
    name = sys.argv[1]
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    delay, jitter, loss = 0.0, 0.0, 0.0
    pending = []  # heap of (due monotonic seconds, sequence, packet)
    seq = 0
    stdin = sys.stdin.fileno()
    print("ready", flush=True)
    while True:
        timeout = None
        if pending:
            timeout = max(0.0, pending[0][0] - time.monotonic())
        readable, _, _ = select.select([fd, stdin], [], [], timeout)
        if stdin in readable:
            line = sys.stdin.readline()
            if not line:
                return
            parts = line.split()
            if len(parts) == 4 and parts[0] == "set":
                delay, jitter, loss = float(parts[1]), float(parts[2]), float(parts[3])
                print("ok", flush=True)
            else:
                print("error unknown command", flush=True)
        if fd in readable:
            reply = echo_reply(os.read(fd, 65535))
            if reply is not None and random.random() >= loss:
                wait_ms = max(0.0, delay + random.uniform(-jitter, jitter))
                seq += 1
                heapq.heappush(pending, (time.monotonic() + wait_ms / 1000.0, seq, reply))
        now = time.monotonic()
        while pending and pending[0][0] <= now:
            os.write(fd, heapq.heappop(pending)[2])


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass

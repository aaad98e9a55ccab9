#!/usr/bin/env python3
"""interop/idle_socks.py: idle SOCKS 5 connections beside the other cases (interop/cases/60-faults.sh).

    python3 idle_socks.py PROXY_HOST PROXY_PORT DEST_ADDRESS DEST_PORT COUNT RELEASE_FILE [HOLD_MAX]

Opens COUNT connections to the SOCKS 5 proxy, one after the other, each with the greeting (no
authentication) and a CONNECT to DEST_ADDRESS:DEST_PORT (an IPv4 address), then leaves them idle: it
reads nothing more from them, and sends nothing. Once all are made it prints one line,

    opened granted=N refused=N closed=N timeout=N error=N codes=CODE:N,... seconds=S

(granted: reply 0; refused: another reply code, counted in codes; closed: the proxy ended the
connection before it replied; timeout: no reply in 15 s; error: the TCP connect failed), then holds
them until RELEASE_FILE exists (or HOLD_MAX seconds, 120 by default, have passed), noting each one
that the proxy ends meanwhile (data from the server, a 220 banner, does not count as an end: it is
read and thrown away). Then it closes them all and prints

    released held=N dropped=N

(held: granted connections still open at the release; dropped: granted ones the proxy or the server
ended while they were idle). Standard library only. Exit 0 once it printed both lines.
"""
import os
import selectors
import socket
import struct
import sys
import time


def handshake(proxy, dest_ip, dest_port):
    """Returns (state, code, socket or None)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(15)
    try:
        s.connect(proxy)
    except OSError:
        s.close()
        return 'error', None, None
    try:
        s.sendall(b'\x05\x01\x00')
        greeting = read_exactly(s, 2)
        if greeting is None:
            s.close()
            return 'closed', None, None
        if greeting != b'\x05\x00':
            s.close()
            return 'refused', 'greeting-%02x%02x' % (greeting[0], greeting[1]), None
        s.sendall(b'\x05\x01\x00\x01' + socket.inet_aton(dest_ip) + struct.pack('>H', dest_port))
        reply = read_exactly(s, 10)
        if reply is None:
            s.close()
            return 'closed', None, None
        if reply[1] != 0:
            s.close()
            return 'refused', str(reply[1]), None
        s.settimeout(None)
        s.setblocking(False)
        return 'granted', '0', s
    except socket.timeout:
        s.close()
        return 'timeout', None, None
    except OSError:
        s.close()
        return 'closed', None, None


def read_exactly(s, n):
    data = b''
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def main(argv):
    if len(argv) not in (7, 8):
        sys.stderr.write(__doc__)
        return 2
    proxy = (argv[1], int(argv[2]))
    dest_ip, dest_port, count, release = argv[3], int(argv[4]), int(argv[5]), argv[6]
    hold_max = float(argv[7]) if len(argv) == 8 else 120.0
    counts = {'granted': 0, 'refused': 0, 'closed': 0, 'timeout': 0, 'error': 0}
    codes = {}
    open_socks = []
    t0 = time.monotonic()
    for _ in range(count):
        state, code, s = handshake(proxy, dest_ip, dest_port)
        counts[state] += 1
        if code is not None:
            codes[code] = codes.get(code, 0) + 1
        if s is not None:
            open_socks.append(s)
    print('opened granted=%d refused=%d closed=%d timeout=%d error=%d codes=%s seconds=%.1f' % (
        counts['granted'], counts['refused'], counts['closed'], counts['timeout'], counts['error'],
        ','.join('%s:%d' % kv for kv in sorted(codes.items())) or '-', time.monotonic() - t0), flush=True)

    sel = selectors.DefaultSelector()
    for s in open_socks:
        sel.register(s, selectors.EVENT_READ)
    dropped = 0
    deadline = time.monotonic() + hold_max
    while not os.path.exists(release) and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.1):
            s = key.fileobj
            try:
                data = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b''
            if not data:
                sel.unregister(s)
                s.close()
                dropped += 1
    held = len(sel.get_map())
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    print('released held=%d dropped=%d' % (held, dropped), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""interop/ftplib_socks5.py: Python's ftplib through a SOCKS 5 proxy (interop/cases/40-clients.sh).

    FTP_PASSWORD=... python3 interop/ftplib_socks5.py --proxy 127.0.0.1:1080 --host 127.0.0.1 \
        --port 21 --user USER get REMOTE LOCAL | put LOCAL REMOTE

ftplib itself, unchanged: every connection it makes (control and passive data) goes through a SOCKS 5
CONNECT (RFC 1928, no authentication) written here with the standard library only, since PySocks is
not always at hand. ftplib's own PASV handling stays as it is: by default it ignores the address in a
227 reply and connects to the control connection's peer (here the proxy's address) at the 227's port.
Each SOCKS request is printed on stderr. Exit 0 on success, 1 on an FTP or SOCKS error.
"""
import argparse
import ftplib
import ipaddress
import os
import socket
import struct
import sys

TIMEOUT = 30


def _recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise OSError("SOCKS 5: the proxy closed the connection after %d of %d bytes" % (len(data), n))
        data += chunk
    return data


def socks5_connect(proxy, host, port, timeout):
    sock = socket.create_connection(proxy, timeout)
    try:
        sock.sendall(b"\x05\x01\x00")
        ver, method = _recv_exact(sock, 2)
        if ver != 5 or method != 0:
            raise OSError("SOCKS 5: the proxy chose method %d (version %d), not 0 (no authentication)" % (method, ver))
        try:
            addr = b"\x01" + ipaddress.IPv4Address(host).packed
        except ValueError:
            name = host.encode("ascii")
            addr = b"\x03" + bytes([len(name)]) + name
        sock.sendall(b"\x05\x01\x00" + addr + struct.pack(">H", port))
        ver, rep, _, atyp = _recv_exact(sock, 4)
        if ver != 5 or rep != 0:
            raise OSError("SOCKS 5: CONNECT %s:%d refused, reply %d" % (host, port, rep))
        if atyp == 1:
            _recv_exact(sock, 4 + 2)
        elif atyp == 4:
            _recv_exact(sock, 16 + 2)
        elif atyp == 3:
            _recv_exact(sock, _recv_exact(sock, 1)[0] + 2)
        else:
            raise OSError("SOCKS 5: reply with address type %d" % atyp)
        print("socks5: CONNECT %s:%d granted" % (host, port), file=sys.stderr)
        return sock
    except BaseException:
        sock.close()
        raise


class _SocksSocketModule:
    """Stands in for the socket module inside ftplib: create_connection goes through the proxy."""

    def __init__(self, proxy):
        self._proxy = proxy

    def create_connection(self, address, timeout=TIMEOUT, source_address=None):
        host, port = address[0], address[1]
        return socks5_connect(self._proxy, host, port, timeout)

    def __getattr__(self, name):
        return getattr(socket, name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--proxy", required=True, help="host:port of the SOCKS 5 proxy")
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, default=21)
    ap.add_argument("--user", required=True)
    ap.add_argument("op", choices=["get", "put"])
    ap.add_argument("src")
    ap.add_argument("dst")
    a = ap.parse_args()
    phost, pport = a.proxy.rsplit(":", 1)
    ftplib.socket = _SocksSocketModule((phost, int(pport)))
    password = os.environ.get("FTP_PASSWORD", "")
    try:
        with ftplib.FTP(timeout=TIMEOUT) as ftp:
            print(ftp.connect(a.host, a.port), file=sys.stderr)
            print(ftp.login(a.user, password), file=sys.stderr)
            if a.op == "get":
                with open(a.dst, "wb") as f:
                    print(ftp.retrbinary("RETR " + a.src, f.write), file=sys.stderr)
            else:
                with open(a.src, "rb") as f:
                    print(ftp.storbinary("STOR " + a.dst, f), file=sys.stderr)
            print(ftp.quit(), file=sys.stderr)
    except (ftplib.Error, OSError, EOFError) as e:
        print("ftplib_socks5: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

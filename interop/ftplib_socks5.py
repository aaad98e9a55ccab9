#!/usr/bin/env python3
"""interop/ftplib_socks5.py: Python's ftplib through a SOCKS 5 proxy (interop/cases/40-clients.sh).

    FTP_PASSWORD=... python3 interop/ftplib_socks5.py --proxy 127.0.0.1:1080 --host 127.0.0.1 \
        --port 21 --user USER get REMOTE LOCAL | put LOCAL REMOTE | abort-get BIG REMOTE LOCAL

ftplib itself, unchanged: every connection it makes (control and passive data) goes through a SOCKS 5
CONNECT (RFC 1928, no authentication) written here with the standard library only, since PySocks is
not always at hand. ftplib's own PASV handling stays as it is: by default it ignores the address in a
227 reply and connects to the control connection's peer (here the proxy's address) at the 227's port.
Each SOCKS request is printed on stderr. Exit 0 on success, 1 on an FTP or SOCKS error.

abort-get starts RETR BIG, reads 64 KiB, closes the data connection and calls ftplib's abort(), which
sends ABOR with its last byte as TCP urgent data (MSG_OOB); it expects the transfer's 426 and the
ABOR's 225 or 226, then gets REMOTE into LOCAL on the same session.
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
    ap.add_argument("op", choices=["get", "put", "abort-get"])
    ap.add_argument("args", nargs="+")
    a = ap.parse_args()
    phost, pport = a.proxy.rsplit(":", 1)
    ftplib.socket = _SocksSocketModule((phost, int(pport)))
    password = os.environ.get("FTP_PASSWORD", "")
    try:
        with ftplib.FTP(timeout=TIMEOUT) as ftp:
            print(ftp.connect(a.host, a.port), file=sys.stderr)
            print(ftp.login(a.user, password), file=sys.stderr)
            if a.op == "abort-get":
                big, src, dst = a.args
                ftp.voidcmd("TYPE I")
                conn = ftp.transfercmd("RETR " + big)
                got = len(conn.recv(65536))
                conn.close()
                first = ftp.abort()
                print("abort: %d bytes read, then %s" % (got, first), file=sys.stderr)
                if not first.startswith("426"):
                    raise ftplib.error_proto("ABOR: the transfer's reply is %r, want 426" % first)
                second = ftp.getresp()
                print("abort: then %s" % second, file=sys.stderr)
                if not second[:3] in ("225", "226"):
                    raise ftplib.error_proto("ABOR: its reply is %r, want 225 or 226" % second)
                op, src, dst = "get", src, dst
            elif len(a.args) == 2:
                op, (src, dst) = a.op, a.args
            else:
                ap.error("get and put take two arguments")
            if op == "get":
                with open(dst, "wb") as f:
                    print(ftp.retrbinary("RETR " + src, f.write), file=sys.stderr)
            else:
                with open(src, "rb") as f:
                    print(ftp.storbinary("STOR " + dst, f), file=sys.stderr)
            print(ftp.quit(), file=sys.stderr)
    except (ftplib.Error, OSError, EOFError) as e:
        print("ftplib_socks5: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

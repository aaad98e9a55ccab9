#!/usr/bin/env python3
"""interop/zos_like_client.py: an FTP client that behaves like the z/OS FTP client through SOCKS 4.

    FTP_PASSWORD=... python3 interop/zos_like_client.py --proxy 127.0.0.1:1080 --host 10.254.2.2 \
        --port 21 --user USER REMOTE LOCAL

As z/OS FTP with a SOCKS configuration file and PASSIVEIGNOREADDR TRUE: a SOCKS 4 CONNECT (never 4a,
never 5) to the control host, an IPv4 address; USER, PASS, SYST, TYPE I, then PASV; the address in the
227 reply is ignored and the data connection goes, through SOCKS 4 again, to the control connection's
host at the 227's port; then RETR, QUIT. Standard library only. The dialogue is printed on stderr (the
password as ****), with a line `pasv: 227 names A:P; connecting to H:P` that the case checks.
Exit 0 when the file arrived with 226, 1 otherwise.
"""
import argparse
import ipaddress
import os
import re
import socket
import struct
import sys

TIMEOUT = 30


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def socks4_connect(proxy, host, port):
    sock = socket.create_connection(proxy, TIMEOUT)
    try:
        # VN=4, CD=1 (CONNECT), DSTPORT, DSTIP, USERID (the z/OS user; here the FTP user), NUL
        req = struct.pack(">BBH", 4, 1, port) + ipaddress.IPv4Address(host).packed + b"FTBZOS\x00"
        sock.sendall(req)
        reply = b""
        while len(reply) < 8:
            chunk = sock.recv(8 - len(reply))
            if not chunk:
                raise OSError("SOCKS 4: the proxy closed the connection after %d of 8 bytes" % len(reply))
            reply += chunk
        if reply[0] != 0 or reply[1] != 90:
            raise OSError("SOCKS 4: CONNECT %s:%d refused, CD %d" % (host, port, reply[1]))
        log("socks4: CONNECT %s:%d granted" % (host, port))
        return sock
    except BaseException:
        sock.close()
        raise


class Control:
    def __init__(self, sock):
        self.sock = sock
        self.f = sock.makefile("rb")

    def reply(self):
        line = self.f.readline()
        if not line:
            raise OSError("the control connection closed")
        text = line.decode("latin-1").rstrip("\r\n")
        log("< " + text)
        m = re.match(r"^(\d{3})([- ])", text)
        if not m:
            raise OSError("not an FTP reply: %r" % text)
        code = m.group(1)
        if m.group(2) == "-":
            while True:
                more = self.f.readline()
                if not more:
                    raise OSError("the control connection closed in a multi-line reply")
                t = more.decode("latin-1").rstrip("\r\n")
                log("< " + t)
                text += "\n" + t
                if t.startswith(code + " "):
                    break
        return int(code), text

    def cmd(self, line, shown=None):
        log("> " + (shown or line))
        self.sock.sendall(line.encode("latin-1") + b"\r\n")
        return self.reply()


def expect(got, *codes):
    code, text = got
    if code not in codes:
        raise OSError("unexpected reply %s" % text.splitlines()[0])
    return code, text


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--proxy", required=True, help="host:port of the SOCKS 4 proxy")
    ap.add_argument("--host", required=True, help="the FTP server's IPv4 address")
    ap.add_argument("--port", type=int, default=21)
    ap.add_argument("--user", required=True)
    ap.add_argument("remote")
    ap.add_argument("local")
    a = ap.parse_args()
    phost, pport = a.proxy.rsplit(":", 1)
    proxy = (phost, int(pport))
    password = os.environ.get("FTP_PASSWORD", "")
    try:
        ctl = Control(socks4_connect(proxy, a.host, a.port))
        expect(ctl.reply(), 220)
        code, _ = expect(ctl.cmd("USER " + a.user), 331, 230)
        if code == 331:
            expect(ctl.cmd("PASS " + password, "PASS ****"), 230)
        ctl.cmd("SYST")
        expect(ctl.cmd("TYPE I"), 200)
        _, text = expect(ctl.cmd("PASV"), 227)
        m = re.search(r"(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)", text)
        if not m:
            raise OSError("no address in the 227 reply")
        n = [int(x) for x in m.groups()]
        named = "%d.%d.%d.%d" % tuple(n[:4])
        port = n[4] * 256 + n[5]
        # PASSIVEIGNOREADDR: the control connection's host, the 227's port
        log("pasv: 227 names %s:%d; connecting to %s:%d" % (named, port, a.host, port))
        data = socks4_connect(proxy, a.host, port)
        expect(ctl.cmd("RETR " + a.remote), 150, 125)
        size = 0
        with open(a.local, "wb") as out, data:
            while True:
                chunk = data.recv(65536)
                if not chunk:
                    break
                out.write(chunk)
                size += len(chunk)
        log("data: %d bytes" % size)
        expect(ctl.reply(), 226, 250)
        ctl.cmd("QUIT")
        ctl.sock.close()
    except (OSError, ValueError) as e:
        log("zos_like_client: %s: %s" % (type(e).__name__, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

package org.ftb.socks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds wire messages for tests. */
final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Bytes of(int... values) {
        Bytes b = new Bytes();
        for (int v : values) {
            b.out.write(v);
        }
        return b;
    }

    Bytes then(int... values) {
        for (int v : values) {
            out.write(v);
        }
        return this;
    }

    Bytes text(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    Bytes port(int port) {
        return then(port >> 8 & 0xFF, port & 0xFF);
    }

    Bytes then(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    byte[] get() {
        return out.toByteArray();
    }

    static byte[] v4(int command, int[] ip, int port, String user) {
        return of(4, command).port(port).then(ip).text(user).then(0).get();
    }

    static byte[] v4a(String user, String host, int port) {
        return of(4, 1).port(port).then(0, 0, 0, 1).text(user).then(0).text(host).then(0).get();
    }

    static byte[] v5Domain(int command, String host, int port) {
        return of(5, command, 0, 3, host.length()).text(host).port(port).get();
    }

    static byte[] v5Ipv4(int command, int[] ip, int port) {
        return of(5, command, 0, 1).then(ip).port(port).get();
    }
}

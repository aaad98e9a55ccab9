package org.ftb.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds wire messages for tests. */
public final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public static Bytes of(int... values) {
        Bytes b = new Bytes();
        for (int v : values) {
            b.out.write(v);
        }
        return b;
    }

    public Bytes then(int... values) {
        for (int v : values) {
            out.write(v);
        }
        return this;
    }

    public Bytes text(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    public Bytes port(int port) {
        return then(port >> 8 & 0xFF, port & 0xFF);
    }

    public Bytes then(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public byte[] get() {
        return out.toByteArray();
    }

    public static byte[] v4(int command, int[] ip, int port, String user) {
        return of(4, command).port(port).then(ip).text(user).then(0).get();
    }

    public static byte[] v4a(String user, String host, int port) {
        return of(4, 1).port(port).then(0, 0, 0, 1).text(user).then(0).text(host).then(0).get();
    }

    public static byte[] v5Domain(int command, String host, int port) {
        return of(5, command, 0, 3, host.length()).text(host).port(port).get();
    }

    public static byte[] v5Ipv4(int command, int[] ip, int port) {
        return of(5, command, 0, 1).then(ip).port(port).get();
    }
}

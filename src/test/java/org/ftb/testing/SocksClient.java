package org.ftb.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;

/** A hand-written SOCKS client on a plain socket, so tests control every byte. */
public final class SocksClient {
    private SocksClient() {
    }

    public static Socket open(int proxyPort) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxyPort);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(15_000);
        return socket;
    }

    public static byte[] read(Socket socket, int length) throws IOException {
        byte[] out = new byte[length];
        new DataInputStream(socket.getInputStream()).readFully(out);
        return out;
    }

    public static void send(Socket socket, byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** SOCKS 5 without authentication: greeting, request, and the whole reply (IPv4 or IPv6 bound address). */
    public static byte[] v5(Socket socket, byte[] request) throws IOException {
        send(socket, Bytes.of(5, 1, 0).get());
        byte[] method = read(socket, 2);
        if (method[1] != 0) {
            throw new IOException("method " + method[1]);
        }
        send(socket, request);
        return v5Reply(socket);
    }

    /**
     * SOCKS 5 with user name and password (RFC 1929): greeting, login, request, and the whole reply;
     * a refused login throws.
     */
    public static byte[] v5Login(Socket socket, String user, String password, byte[] request) throws IOException {
        send(socket, Bytes.of(5, 1, 2).get());
        byte[] method = read(socket, 2);
        if (method[1] != 2) {
            throw new IOException("method " + method[1]);
        }
        byte[] u = user.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] p = password.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream login = new java.io.ByteArrayOutputStream();
        login.write(1);
        login.write(u.length);
        login.write(u, 0, u.length);
        login.write(p.length);
        login.write(p, 0, p.length);
        send(socket, login.toByteArray());
        byte[] status = read(socket, 2);
        if (status[1] != 0) {
            throw new IOException("login refused: " + status[1]);
        }
        send(socket, request);
        return v5Reply(socket);
    }

    public static byte[] v5Reply(Socket socket) throws IOException {
        byte[] head = read(socket, 4);
        int rest = head[3] == 4 ? 18 : 6;
        byte[] reply = new byte[4 + rest];
        System.arraycopy(head, 0, reply, 0, 4);
        System.arraycopy(read(socket, rest), 0, reply, 4, rest);
        return reply;
    }

    /** Reads to end of stream. */
    public static byte[] readAll(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        return in.readAllBytes();
    }

    /**
     * A SOCKS 5 CONNECT through the proxy to an echo server on loopback, then {@code length} random
     * bytes and end of file: true when the proxy grants the connection and the bytes come back whole.
     */
    public static boolean echoes(int proxyPort, int echoPort, int length) throws IOException {
        try (Socket socket = open(proxyPort)) {
            if (v5(socket, Bytes.v5Ipv4(1, loopback(), echoPort))[1] != 0) {
                return false;
            }
            byte[] data = new byte[length];
            new java.util.Random(length).nextBytes(data);
            send(socket, data);
            socket.shutdownOutput();
            return java.util.Arrays.equals(readAll(socket), data);
        }
    }

    public static int[] loopback() {
        return new int[]{127, 0, 0, 1};
    }
}

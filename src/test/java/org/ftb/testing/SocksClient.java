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

    public static int[] loopback() {
        return new int[]{127, 0, 0, 1};
    }
}

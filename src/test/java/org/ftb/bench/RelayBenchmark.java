package org.ftb.bench;

import org.ftb.testing.Bytes;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestBroker;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;

/**
 * Throughput and connection-rate figures for docs/performance.md: a bulk download and many short
 * connections, each straight to a local server and through a DIRECT broker. Not a test: run it with
 * the command in docs/performance.md.
 */
public final class RelayBenchmark {
    private static final int MIB = 1024 * 1024;

    private RelayBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        try (ServerSocket source = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
             TestBroker broker = TestBroker.start("BROKER MAXSESSIONS(5000)\nRULE NAME(BENCH) DEST(127.0.0.1) ACTION(DIRECT)\nLOG AUDIT(NO)")) {
            Thread server = serve(source, megabytes);
            server.start();
            for (int round = 0; round < 3; round++) {
                double direct = download(() -> new Socket(InetAddress.getLoopbackAddress(), source.getLocalPort()), megabytes);
                double relayed = download(() -> viaBroker(broker.port(), source.getLocalPort()), megabytes);
                System.out.printf(Locale.ROOT, "download %d MiB: direct %.0f MiB/s, through ftb %.0f MiB/s (%.0f%%)%n",
                        megabytes, direct, relayed, 100 * relayed / direct);
            }
            for (int round = 0; round < 3; round++) {
                double direct = connectionsPerSecond(() -> new Socket(InetAddress.getLoopbackAddress(), source.getLocalPort()), connections);
                double relayed = connectionsPerSecond(() -> viaBroker(broker.port(), source.getLocalPort()), connections);
                System.out.printf(Locale.ROOT, "%d sequential connect+1-byte exchanges: direct %.0f/s, through ftb %.0f/s%n",
                        connections, direct, relayed);
            }
        }
    }

    private interface Opener {
        Socket open() throws IOException;
    }

    private static Socket viaBroker(int proxyPort, int targetPort) throws IOException {
        Socket s = SocksClient.open(proxyPort);
        byte[] reply = SocksClient.v5(s, Bytes.v5Ipv4(1, new int[]{127, 0, 0, 1}, targetPort));
        if (reply[1] != 0) {
            throw new IOException("SOCKS reply " + reply[1]);
        }
        return s;
    }

    /** Each connection: the client sends one byte; 'D' asks for the bulk stream, 'P' for one byte back. */
    private static Thread serve(ServerSocket source, int megabytes) {
        Thread thread = new Thread(() -> {
            byte[] chunk = new byte[MIB];
            while (!source.isClosed()) {
                try {
                    Socket s = source.accept();
                    new Thread(() -> {
                        try (s) {
                            int command = s.getInputStream().read();
                            OutputStream out = s.getOutputStream();
                            if (command == 'D') {
                                for (int i = 0; i < megabytes; i++) {
                                    out.write(chunk);
                                }
                            } else {
                                out.write('P');
                            }
                        } catch (IOException e) {
                            // the client went away
                        }
                    }).start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "bench-server");
        thread.setDaemon(true);
        return thread;
    }

    private static double download(Opener opener, int megabytes) throws IOException {
        long start = System.nanoTime();
        try (Socket s = opener.open()) {
            s.getOutputStream().write('D');
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[256 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
            }
            if (total != (long) megabytes * MIB) {
                throw new IOException("short download: " + total);
            }
        }
        return megabytes / ((System.nanoTime() - start) / 1e9);
    }

    private static double connectionsPerSecond(Opener opener, int count) throws IOException {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            try (Socket s = opener.open()) {
                s.getOutputStream().write('P');
                new DataInputStream(s.getInputStream()).readFully(new byte[1]);
            }
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }
}

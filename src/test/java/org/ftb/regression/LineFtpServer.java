package org.ftb.regression;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The frame of the regression tests' hand-written FTP servers: a loopback listener on an ephemeral
 * port, each control connection served on a daemon thread of its own, and replies written whole under
 * one lock, so that a transfer thread and the control thread never interleave them. A subclass calls
 * {@link #start} at the end of its constructor and speaks FTP in {@link #serve}.
 */
abstract class LineFtpServer implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

    LineFtpServer() throws IOException {
    }

    /** Starts accepting control connections; {@code name} names the threads. */
    final void start(String name) {
        daemon(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket control = listener.accept();
                    daemon(() -> serve(control), name + "-control");
                } catch (IOException e) {
                    return;
                }
            }
        }, name);
    }

    /** Serves one control connection to its end. */
    abstract void serve(Socket control);

    final int port() {
        return listener.getLocalPort();
    }

    static Thread daemon(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    static synchronized void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}

package org.ftb.ssh;

import java.util.function.Consumer;

/**
 * An open tunnel to a destination (an SSH direct-tcpip channel), driven by callbacks so that no
 * thread waits on it. At most one read and one write are in flight; callbacks run on SSH I/O
 * threads and must hand work back to their own thread rather than block.
 */
public interface TunnelStream {

    /** Sends {@code data[0..length)}; {@code done} runs when the bytes are taken, so the array may be reused. */
    void write(byte[] data, int length, Runnable done, Consumer<Throwable> failed);

    /** Delivers the next bytes to {@code received}; a count of -1 means the destination ended its output. */
    void read(Received received, Consumer<Throwable> failed);

    /**
     * Bytes from the tunnel. The array stays valid until the next {@link #read} is issued, so the
     * caller can write it out without copying before asking for more.
     */
    @FunctionalInterface
    interface Received {
        void bytes(byte[] data, int offset, int length);
    }

    /** Ends our direction (SSH EOF); the other direction keeps flowing. */
    void shutdownOutput();

    /** Closes the tunnel; {@code abort} closes at once without waiting for queued data. */
    void close(boolean abort);

    /**
     * Opens another tunnel on the same SSH connection and login, for example an FTP data
     * connection beside its control connection.
     */
    java.util.concurrent.CompletableFuture<TunnelStream> openAlongside(String destination, int port, String originHost, int originPort);

    /** How the tunnel runs, for logs: SSH host, user and the cipher in use. */
    String describe();

}

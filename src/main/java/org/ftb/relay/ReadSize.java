package org.ftb.relay;

/**
 * How much an endpoint's next read asks for. A connection starts with a small buffer, since most
 * carry little (an FTP control connection, the idle direction of a data connection), and gets a large
 * one once a read fills the small one, which only a bulk transfer does. So a thousand sessions waiting
 * on their control connections hold 8 KiB per direction instead of 64, while a transfer still moves
 * 64 KiB per read, as Netty's adaptive receive buffers do.
 */
public final class ReadSize {
    /** Bytes a connection's reads start with. */
    public static final int SMALL = 8 * 1024;
    /** Bytes a bulk transfer's reads take: enough for full speed, one buffer per direction. */
    public static final int LARGE = 64 * 1024;

    private ReadSize() {
    }

    /** The capacity the next read should have, after a read of {@code read} bytes into {@code capacity}. */
    public static int next(int capacity, int read) {
        return read >= capacity ? Math.max(capacity, LARGE) : capacity;
    }
}

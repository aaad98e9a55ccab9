package org.ftb.relay;

import java.nio.ByteBuffer;

/**
 * One end of a byte stream, whatever carries it: a socket or an SSH channel. Driven by callbacks so
 * that no thread waits on it. At most one read and one write are in flight at a time; a callback
 * may run on any thread, and may run before the call that asked for it returns.
 */
public interface Endpoint {

    /** Asks for the next bytes: exactly one method of {@code reader} is called. */
    void read(Reader reader);

    /**
     * Writes every remaining byte of {@code data}; {@link Writer#written} runs once they are handed on
     * (to the kernel, or into the SSH window), so the buffer may be reused.
     */
    void write(ByteBuffer data, Writer writer);

    /** Ends this direction cleanly (TCP FIN, SSH EOF); call only with no write in flight. */
    void shutdownOutput();

    /**
     * Closes both directions, at once and for good; {@code abort} resets (TCP RST), so that the peer
     * never takes a broken stream for a finished one. Idempotent, from any thread; a pending read or
     * write then fails.
     */
    void close(boolean abort);

    /**
     * The stream broke at the relay's other end: close this one so that its peer never takes the
     * stream for finished. A socket resets, as {@code close(true)} does; an SSH channel cannot carry a
     * reset, so its owner may first tell the peer some other way (an FTP upload's server gets ABOR).
     */
    default void closeBroken() {
        close(true);
    }

    /** What a read delivers. */
    interface Reader {
        /** Bytes from the peer; {@code data} stays valid until the next {@link #read} is issued. */
        void received(ByteBuffer data);

        /** The peer ended its direction cleanly (FIN, or the SSH channel's own EOF). */
        void ended();

        /** The stream broke: reset, closed under us, or its SSH connection lost. */
        void failed(Throwable cause);
    }

    /** What a write reports. */
    interface Writer {
        void written();

        void failed(Throwable cause);

        /**
         * {@code taken} bytes of the data were taken, the rest follows; they count as delivered already,
         * and a slow reader still moving bytes is not idle.
         */
        default void progressed(int taken) {
            // nothing to note by default
        }
    }
}

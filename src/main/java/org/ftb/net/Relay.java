package org.ftb.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * The relay phase of a connection: bytes between the client socket and the destination, whatever
 * carries them (a socket, an SSH channel). Called on the session's reactor thread only.
 */
interface Relay {
    /** Starts relaying; {@code pipelined} holds client bytes that arrived with the SOCKS request. */
    void begin(ByteBuffer pipelined) throws IOException;

    void clientReady(SelectionKey key) throws IOException;

    /** The destination socket is ready; only relays to a socket have one. */
    default void upstreamReady(SelectionKey key) throws IOException {
        // no destination socket of the session's own
    }

    int clientInterest();

    /** Interest for the destination socket, if the relay has one. */
    default int upstreamInterest() {
        return 0;
    }

    /** Both directions have ended and everything was delivered. */
    boolean finished();

    /** Closes the destination side; {@code abort} resets instead of closing cleanly. */
    void close(boolean abort);

    /** What a relay tells its session from other threads' callbacks; each call runs on the reactor. */
    interface Owner {
        void activity();

        /** State changed: recompute interest and check whether the relay has finished. */
        void changed();

        void failed(Throwable cause);
    }
}

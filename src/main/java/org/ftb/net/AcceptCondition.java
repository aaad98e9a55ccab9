package org.ftb.net;

import org.ftb.message.MessageLog;
import org.ftb.message.Msg;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * Whether a listener can accept connections, for the operator: the SOCKS listeners and the ftb ctl
 * endpoint say it alike. An accept that fails (out of file descriptors, a TCP/IP stack that went away)
 * is an action message, FTB0013A, once; the listener's owner tries again every {@link #RETRY}, since an
 * accept that failed at once fails again at once, with {@link #acceptWaiting}, which never waits for a
 * client. The condition clears (FTB0014I) when an accept finds no client left waiting: the listener has
 * again taken every client that was waiting, if any, and its owner could set each up; one accept between
 * failures is no recovery. A
 * listener closed while it fails says that the condition ends with it (FTB0021I), so that no action
 * message is left on the console for a listener that is gone.
 *
 * <p>Safe from any thread: the owner accepts on one, and may close the listener from another.
 */
public final class AcceptCondition {
    /** How long after a failed accept the next is tried. */
    public static final Duration RETRY = Duration.ofSeconds(1);

    private final ServerSocketChannel listener;
    private final String name;
    private final MessageLog messages;
    private boolean failing;
    private boolean closed;

    /** @param name the listener in the messages, the same in all three: the console deletes FTB0013A by it */
    public AcceptCondition(ServerSocketChannel listener, String name, MessageLog messages) {
        this.listener = listener;
        this.name = name;
        this.messages = messages;
    }

    /** Sets up a connection accepted, or fails as an accept does when it cannot (the connection closed). */
    @FunctionalInterface
    public interface Take {
        /** @throws IOException when the connection cannot be served, for want of descriptors for one */
        void take(SocketChannel channel) throws IOException;
    }

    /**
     * Accepts every client waiting, handing each to {@code take}, and returns when none is left; a
     * failing listener then accepts again (FTB0014I). The listener must be in non-blocking mode.
     *
     * @throws IOException from an accept or a {@code take}: say {@link #failed} and try again after {@link #RETRY}
     */
    public void acceptWaiting(Take take) throws IOException {
        SocketChannel channel;
        while (isOpen() && (channel = listener.accept()) != null) {
            take.take(channel);
        }
        cleared();
    }

    /** An accept failed: FTB0013A, unless said already, or the listener is being closed (which is why). */
    public synchronized void failed(Exception cause) {
        if (!failing && !closed) {
            failing = true;
            messages.log(Msg.FTB0013A, name, String.valueOf(cause));
        }
    }

    /**
     * The listener is closed, or about to be: no accept is said to fail or work any more, and a condition
     * still on ends with it (FTB0021I).
     */
    public synchronized void closed() {
        closed = true;
        if (failing) {
            failing = false;
            messages.log(Msg.FTB0021I, name);
        }
    }

    private synchronized boolean isOpen() {
        return !closed;
    }

    private synchronized void cleared() {
        if (failing && !closed) {
            failing = false;
            messages.log(Msg.FTB0014I, name);
        }
    }
}

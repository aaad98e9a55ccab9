package org.ftb.broker;

import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.net.Reactor;
import org.ftb.relay.Endpoint;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The tunnelled data channels of one FTP session, and those of its uploads that broke. Without the
 * broker, an FTP server whose upload client resets sees the reset and fails the transfer; through SSH
 * it would see the clean end that closing a channel gives, and keep the partial file as complete. So
 * a store's channel whose client broke off is not closed: the server is sent ABOR, and the channel is
 * held open until the server ends the transfer (its final reply to the store), or until the hold
 * limit, long enough for a server that does not read ABOR during a transfer to fail it on its own
 * data timeout. A channel is closed at once when no store is in progress or the SSH connection is
 * lost. State belongs to the session's reactor thread.
 */
final class HeldUploads {
    private final Reactor reactor;
    private final BooleanSupplier storeInProgress;
    private final BooleanSupplier abortStore;
    private final ScheduledExecutorService timer;
    private final Duration limit;
    private final MessageLog messages;
    private final String tag;
    private final List<Endpoint> held = new ArrayList<>();

    /**
     * @param reactor         the session's reactor thread, which owns this state
     * @param limit           how long a broken upload's channel is held at most: IDLETIMEOUT, which is
     *                        longer than the usual FTP server data timeouts (vsftpd and z/OS FTP: 300 s)
     * @param storeInProgress true when a store is in progress over an SSH connection that still stands
     * @param abortStore      sends the server ABOR for the store; false when the control connection
     *                        has ended and cannot
     */
    HeldUploads(Reactor reactor, ScheduledExecutorService timer, Duration limit, MessageLog messages, String tag,
                BooleanSupplier storeInProgress, BooleanSupplier abortStore) {
        this.reactor = reactor;
        this.storeInProgress = storeInProgress;
        this.abortStore = abortStore;
        this.timer = timer;
        this.limit = limit;
        this.messages = messages;
        this.tag = tag;
    }

    /** The session's channel to one of the server's data ports, ending as broken only the way described above. */
    Endpoint guard(Endpoint channel) {
        return new Guarded(channel);
    }

    /** The server ended the store: its held channels may close, since nothing can make it take the file for complete now. */
    void releaseAll() {
        for (Endpoint channel : held) {
            channel.close(true);
        }
        held.clear();
    }

    private void broken(Endpoint channel) {
        reactor.runHere(() -> {
            if (!storeInProgress.getAsBoolean()) {
                channel.close(true);
                return;
            }
            held.add(channel);
            String how = abortStore.getAsBoolean() ? "ABOR was sent to the FTP server" : "its control connection has ended";
            messages.log(Msg.FTB0242W, tag, how, limit.toSeconds());
            timer.schedule(() -> reactor.runHere(() -> {
                if (held.remove(channel)) {
                    messages.log(Msg.FTB0243W, tag, limit.toSeconds());
                    channel.close(true);
                }
            }), limit.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    /** A data channel that reports a break at the relay's other end instead of closing cleanly. */
    private final class Guarded implements Endpoint {
        private final Endpoint channel;
        private final AtomicBoolean closed = new AtomicBoolean();

        Guarded(Endpoint channel) {
            this.channel = channel;
        }

        @Override
        public void read(Reader reader) {
            channel.read(reader);
        }

        @Override
        public void write(ByteBuffer data, Writer writer) {
            channel.write(data, writer);
        }

        @Override
        public void shutdownOutput() {
            channel.shutdownOutput();
        }

        @Override
        public void close(boolean abort) {
            if (closed.compareAndSet(false, true)) {
                channel.close(abort);
            }
        }

        @Override
        public void closeBroken() {
            if (closed.compareAndSet(false, true)) {
                broken(channel);
            }
        }
    }
}

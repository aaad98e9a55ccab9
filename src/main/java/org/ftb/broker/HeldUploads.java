package org.ftb.broker;

import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.net.Reactor;
import org.ftb.relay.Endpoint;
import org.ftb.ssh.TunnelStream;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The broker's held uploads. Without the broker, an FTP server whose upload client resets sees the
 * reset and fails the transfer; through SSH it would see the clean end that closing a channel gives,
 * and keep the partial file as complete. So the channel of a store whose client side broke off is not
 * closed: the server is sent ABOR where the control connection still stands, and the channel is held
 * open until the server ends the transfer itself by closing its data connection (as it does on ABOR
 * or on its own data timeout), or until HOLDTIMEOUT. A channel is closed
 * at once when no store is in progress or the SSH connection is lost. At most MAXSESSIONS are held;
 * STOP waits for them within STOPTIMEOUT. Thread-safe.
 */
final class HeldUploads {
    /** What one FTP session answers about its stores, on its reactor thread unless said. A data port is named by its announcement. */
    interface Store {
        /** True when the latest store uses data port {@code port}, over an SSH connection that still stands; from any thread. */
        boolean inProgress(int port);

        /** How many data ports the session has announced; a new data connection belongs to the latest. From any thread. */
        int announcement();

        /**
         * True while {@code port} is the latest data port and no transfer command has gone to the server
         * since, in a session still open: a store may yet come for its data connection. From any thread.
         */
        boolean mayStart(int port);

        /** True when ABOR may go now for the store on {@code port}. */
        boolean canAbort(int port);

        /** True when ABOR for the store on {@code port} waits for the reply to a PASV or EPSV the client sent after it. */
        boolean abortWaits(int port);

        /** Sends the server ABOR for the store on {@code port}. */
        void abort(int port);
    }

    private final ScheduledExecutorService timer;
    private final Duration limit;
    private final int max;
    private final MessageLog messages;
    /** Oldest first. */
    private final Set<Guarded> held = new LinkedHashSet<>();
    /** Broken before their session sent a transfer command: held only if that command is a store. */
    private final Set<Guarded> pending = new LinkedHashSet<>();

    /**
     * @param limit HOLDTIMEOUT: how long a channel is held at most
     * @param max   how many are held at most (MAXSESSIONS); beyond it the oldest is let go
     */
    HeldUploads(ScheduledExecutorService timer, Duration limit, int max, MessageLog messages) {
        this.timer = timer;
        this.limit = limit;
        this.max = max;
        this.messages = messages;
    }

    /**
     * An FTP session's channel to one of its server's data ports, which, ended as broken while a store
     * is in progress, is held instead of closed.
     *
     * @param reactor the session's reactor thread
     * @param tag     the session's control connection, for messages
     */
    Endpoint guard(Endpoint channel, Reactor reactor, String tag, Store store) {
        return new Guarded(channel, reactor, tag, store);
    }

    /**
     * After each event of {@code store}'s session, on its reactor thread: a channel broken before its
     * transfer command is held once that command is a store, and closed once it is anything else or a
     * new data port is announced. A held channel is let go only once the server closes its side (it
     * ends a failed transfer so), since which reply answers the store is not certain when a server
     * answers other commands during the transfer.
     */
    void update(Store store) {
        for (Guarded g : pendingOf(store)) {
            if (!g.store.mayStart(g.announcement)) {
                synchronized (this) {
                    pending.remove(g);
                }
                decide(g);
            }
        }
        for (Guarded g : heldOf(store)) {
            if (g.abortDeferred && !store.abortWaits(g.announcement)) {
                g.abortDeferred = false;
                if (store.canAbort(g.announcement)) {
                    store.abort(g.announcement);
                }
            }
        }
    }

    /** Called after every control event: nothing is copied while nothing is pending or held. */
    private synchronized List<Guarded> pendingOf(Store store) {
        return pending.isEmpty() ? List.of() : pending.stream().filter(g -> g.store == store).toList();
    }

    private synchronized List<Guarded> heldOf(Store store) {
        return held.isEmpty() ? List.of() : held.stream().filter(g -> g.store == store).toList();
    }

    /** On the session's reactor thread: hold a broken channel whose store is in progress, wait for one that may start, else close it. */
    private void decide(Guarded g) {
        if (g.store.inProgress(g.announcement)) {
            if (limit.isZero()) {
                messages.log(Msg.FTB0243W, g.tag, "at once, as HOLDTIMEOUT is 0");
                g.channel.close(true);
            } else {
                g.heldNow = true;
                hold(g);
            }
        } else if (g.store.mayStart(g.announcement)) {
            synchronized (this) {
                pending.add(g);
            }
        } else {
            g.channel.close(true);
        }
    }


    /** How many are held now. */
    synchronized int count() {
        return held.size();
    }

    /** Closes every held channel now (STOP), saying for each that its server may take the partial file for complete. */
    void releaseAll(String why) {
        for (Guarded g : snapshot()) {
            release(g, Msg.FTB0243W, why);
        }
    }

    private synchronized List<Guarded> snapshot() {
        return new ArrayList<>(held);
    }

    private void hold(Guarded g) {
        Guarded oldest = null;
        synchronized (this) {
            if (held.size() >= max) {
                oldest = held.iterator().next();
            }
            held.add(g);
        }
        if (oldest != null) {
            release(oldest, Msg.FTB0243W, "as " + max + " broken uploads are held already");
        }
        boolean aborting = g.store.canAbort(g.announcement);
        g.abortDeferred = !aborting && g.store.abortWaits(g.announcement);
        messages.log(Msg.FTB0242W, g.tag, aborting ? "ABOR was sent to the FTP server"
                : g.abortDeferred ? "ABOR waits for the server's reply to the client's PASV"
                : "no ABOR can be sent (the control connection has ended, or the client has gone on to another transfer)",
                limit.toSeconds());
        if (aborting) {
            g.store.abort(g.announcement);
        }
        g.expiry = timer.schedule(() -> release(g, Msg.FTB0243W, "after HOLDTIMEOUT(" + limit.toSeconds() + ")"), limit.toMillis(),
                TimeUnit.MILLISECONDS);
        g.watch();
    }

    private void release(Guarded g, Msg msg, String why) {
        synchronized (this) {
            if (!held.remove(g)) {
                return;
            }
        }
        ScheduledFuture<?> expiry = g.expiry;
        if (expiry != null) {
            expiry.cancel(false);
        }
        messages.log(msg, g.tag, why);
        g.channel.close(true);
    }

    /**
     * A data channel that reports a break at the relay's other end instead of closing cleanly, and,
     * once held, watches its server's side: an end or failure there means the server ended the transfer.
     */
    private final class Guarded implements Endpoint, Endpoint.Reader {
        private final Endpoint channel;
        private final Reactor reactor;
        private final String tag;
        private final Store store;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicBoolean reading = new AtomicBoolean();
        private volatile boolean heldNow;
        /** ABOR waits for the reply to a PASV the client sent after the store; only the session's reactor thread touches it. */
        private boolean abortDeferred;
        /** The server's side ended (or broke) before the hold began. */
        private volatile boolean serverEnded;
        private volatile Reader reader;
        private volatile ScheduledFuture<?> expiry;
        /** The data port this channel's connection came to. */
        private final int announcement;

        Guarded(Endpoint channel, Reactor reactor, String tag, Store store) {
            this.channel = channel;
            this.reactor = reactor;
            this.tag = tag;
            this.store = store;
            this.announcement = store.announcement();
        }

        @Override
        public void read(Reader reader) {
            this.reader = reader;
            reading.set(true);
            channel.read(this);
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
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            if (!store.inProgress(announcement) && !store.mayStart(announcement)) {
                // At once: a download's server must see its connection go while it is still writing.
                channel.close(true);
                return;
            }
            reactor.runHere(() -> decide(this));
        }

        /** Reads the server's side while held, unless the relay's read is still waiting for it. */
        void watch() {
            if (serverEnded) {
                release(this, Msg.FTB0244I, "it closed the data connection");
            } else if (reading.compareAndSet(false, true)) {
                channel.read(this);
            }
        }

        @Override
        public void received(ByteBuffer data) {
            reading.set(false);
            if (heldNow) {
                data.position(data.limit());
                watch();
            } else {
                reader.received(data);
            }
        }

        @Override
        public void ended() {
            reading.set(false);
            if (heldNow) {
                release(this, Msg.FTB0244I, "it closed the data connection");
            } else {
                serverEnded = true;
                reader.ended();
            }
        }

        @Override
        public void failed(Throwable cause) {
            reading.set(false);
            if (!heldNow) {
                serverEnded = true;
                reader.failed(cause);
            } else if (cause instanceof TunnelStream.TunnelLost) {
                release(this, Msg.FTB0243W, "as the SSH connection was lost");
            } else {
                release(this, Msg.FTB0244I, "its data connection ended: " + cause.getMessage());
            }
        }
    }
}

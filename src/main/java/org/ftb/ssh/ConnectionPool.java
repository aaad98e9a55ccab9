package org.ftb.ssh;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * SSH connections by pool key, and how many tunnels each one carries. Only bookkeeping happens under
 * its lock: connecting, logging in and closing run outside it, so no thread ever waits here for I/O.
 * Time is a parameter ({@code nowNanos}), so that tests need no sleeps.
 *
 * @param <K> what makes connections interchangeable (SSH host, address, user, credential digest)
 * @param <S> the SSH session
 */
final class ConnectionPool<K, S> {
    private final Map<K, List<Connection<K, S>>> connections = new HashMap<>();
    private final long idleCloseNanos;
    private final Predicate<S> open;
    private final Consumer<S> close;

    /**
     * One SSH connection, being made or made; its session future fails when the connection or login
     * fails. The counts are guarded by the pool.
     */
    static final class Connection<K, S> {
        final CompletableFuture<S> session = new CompletableFuture<>();
        private final K key;
        private final long createdNanos;
        private int tunnels = 1;
        private long idleSinceNanos;
        /** One way: set when the connection failed, closed or idled out, and checked before every reuse. */
        private boolean noNewTunnels;
        /** Set by {@link #retire}: closed as soon as its last tunnel ends, never left idle. */
        private boolean retiring;

        private Connection(K key, long createdNanos) {
            this.key = key;
            this.createdNanos = createdNanos;
        }
    }

    /** One connection as DISPLAY shows it: its key, its tunnels now, when it was made, and its session once logged in. */
    record View<K, S>(K key, int tunnels, long createdNanos, boolean retiring, S session) {
    }

    /** A tunnel's place on a connection; {@code isNew} asks the caller to make the connection. */
    record Lease<K, S>(Connection<K, S> connection, boolean isNew) {
    }

    /**
     * @param idleClose how long a connection without tunnels stays open for the next one
     * @param open      whether a made session can still carry a new tunnel
     * @param close     closes a session without waiting
     */
    ConnectionPool(java.time.Duration idleClose, Predicate<S> open, Consumer<S> close) {
        this.idleCloseNanos = idleClose.toNanos();
        this.open = open;
        this.close = close;
    }

    /** A place on a usable connection with fewer than {@code maxTunnels} tunnels, or on a new one. */
    synchronized Lease<K, S> acquire(K key, int maxTunnels) {
        List<Connection<K, S>> list = connections.computeIfAbsent(key, k -> new ArrayList<>());
        for (Connection<K, S> c : list) {
            if (c.tunnels < maxTunnels && !c.retiring && usable(c)) {
                c.tunnels++;
                return new Lease<>(c, false);
            }
        }
        Connection<K, S> fresh = new Connection<>(key, System.nanoTime());
        list.add(fresh);
        // A failed login is forgotten at once, so that the next tunnel tries again.
        fresh.session.whenComplete((session, error) -> {
            if (error != null) {
                discard(fresh);
            }
        });
        return new Lease<>(fresh, true);
    }

    /**
     * One more tunnel on {@code c} itself, beyond its maximum if need be: a data connection follows its
     * FTP control connection. False when {@code c} takes no new tunnels.
     */
    synchronized boolean acquireAlongside(Connection<K, S> c) {
        if (!usable(c)) {
            return false;
        }
        c.tunnels++;
        return true;
    }

    private boolean usable(Connection<K, S> c) {
        if (c.noNewTunnels || c.session.isCompletedExceptionally()) {
            return false;
        }
        return !c.session.isDone() || open.test(c.session.join());
    }

    /**
     * A tunnel on {@code c} has ended (or never opened). True when {@code c} has just become idle, so
     * that the caller makes sure {@link #closeIdle} runs within {@link #idleCloseNanos}.
     */
    boolean release(Connection<K, S> c, long nowNanos) {
        synchronized (this) {
            if (--c.tunnels > 0 || c.noNewTunnels) {
                return false;
            }
            if (!c.retiring) {
                c.idleSinceNanos = nowNanos;
                return true;
            }
            discard(c);
        }
        c.session.thenAccept(close);
        return false;
    }

    /**
     * Takes the connections whose key matches out of use for new tunnels: those without a tunnel close
     * now, the others when their last tunnel ends. Tunnels alongside their own (an FTP session's data
     * connections) still open on them meanwhile.
     */
    void retire(Predicate<K> which) {
        List<Connection<K, S>> idle = new ArrayList<>();
        synchronized (this) {
            for (List<Connection<K, S>> list : connections.values()) {
                for (Connection<K, S> c : list) {
                    if (which.test(c.key)) {
                        c.retiring = true;
                        if (c.tunnels == 0 && !c.noNewTunnels) {
                            idle.add(c);
                        }
                    }
                }
            }
            idle.forEach(this::discard);
        }
        idle.forEach(c -> c.session.thenAccept(close));
    }

    /**
     * Takes {@code c} out of use for new tunnels, as {@link #retire(Predicate)} does: closed now if it
     * carries no tunnel, else when its last tunnel ends.
     */
    void retire(Connection<K, S> c) {
        boolean idle;
        synchronized (this) {
            c.retiring = true;
            idle = c.tunnels == 0 && !c.noNewTunnels;
            if (idle) {
                discard(c);
            }
        }
        if (idle) {
            c.session.thenAccept(close);
        }
    }

    /** Connections open or being opened whose key matches. */
    synchronized int count(Predicate<K> which) {
        return (int) connections.values().stream().flatMap(List::stream).filter(c -> which.test(c.key)).count();
    }

    /** Every connection open or being opened, oldest first. */
    synchronized List<View<K, S>> views() {
        return connections.values().stream().flatMap(List::stream)
                .sorted(java.util.Comparator.comparingLong(c -> c.createdNanos))
                .map(c -> new View<>(c.key, c.tunnels, c.createdNanos, c.retiring,
                        c.session.isDone() && !c.session.isCompletedExceptionally() ? c.session.join() : null))
                .toList();
    }

    /** Takes {@code c} out of the pool for good: its login failed or its session closed. */
    synchronized void discard(Connection<K, S> c) {
        c.noNewTunnels = true;
        List<Connection<K, S>> list = connections.get(c.key);
        if (list != null && list.remove(c) && list.isEmpty()) {
            connections.remove(c.key);
        }
    }

    /**
     * Closes the connections that have carried no tunnel for the idle time or longer.
     *
     * @return nanoseconds until the next idle connection is due, or -1 when no connection is idle
     */
    long closeIdle(long nowNanos) {
        List<Connection<K, S>> expired = new ArrayList<>();
        long next = -1;
        synchronized (this) {
            for (List<Connection<K, S>> list : connections.values()) {
                for (Connection<K, S> c : list) {
                    if (c.tunnels > 0 || c.noNewTunnels) {
                        continue;
                    }
                    long left = c.idleSinceNanos + idleCloseNanos - nowNanos;
                    if (left <= 0) {
                        c.noNewTunnels = true;
                        expired.add(c);
                    } else if (next < 0 || left < next) {
                        next = left;
                    }
                }
                list.removeAll(expired);
            }
            connections.values().removeIf(List::isEmpty);
        }
        expired.forEach(c -> c.session.thenAccept(close));
        return next;
    }

    /** Connections open or being opened. */
    synchronized int size() {
        return connections.values().stream().mapToInt(List::size).sum();
    }
}

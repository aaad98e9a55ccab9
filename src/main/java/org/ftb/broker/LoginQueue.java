package org.ftb.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import java.util.function.ToLongFunction;

/**
 * The connections that have not logged in yet (their SOCKS request, and for an FTP session its FTP
 * login), which BROKER MAXPRELOGIN bounds. When one more connection arrives, the one that has waited
 * longest on its own client makes room; failing that, the login that has been under way longest, once
 * it has taken more than {@link #GRACE}. So clients that connect and say nothing cannot push out a
 * login under way, and logins made slow on purpose (a wrong password, which SSH servers answer only
 * after a delay) cannot hold the places either: a login that succeeds is done well within the grace.
 * Thread-safe: events come from every reactor and worker.
 */
final class LoginQueue {
    /** What {@link #admit} decided: whether the new connection may stay, and who made room for it. */
    record Admission(boolean admitted, Connection displaced) {
    }

    /**
     * How long a login under way keeps its place against newcomers: longer than an SSH login that
     * succeeds takes, shorter than the delay with which SSH servers answer a wrong password (2 s for
     * {@code ftb gateway} and for sshd with PAM).
     */
    static final Duration GRACE = Duration.ofMillis(1500);

    /** MAXPRELOGIN as the configuration now in force says; RELOAD may change it. */
    private final IntSupplier limit;
    /** Waiting on their own client, oldest first (ids grow with time). */
    private final TreeMap<Long, Connection> waiting = new TreeMap<>();
    /** Logins under way, with the time each began. */
    private final Map<Connection, Long> underway = new HashMap<>();

    LoginQueue(IntSupplier limit) {
        this.limit = limit;
    }

    /**
     * A new connection: admitted, after another made room if need be (see the class comment); refused
     * when every place is a login under way for less than {@link #GRACE}.
     */
    synchronized Admission admit(Connection c, long now) {
        Connection displaced = null;
        if (size() >= limit.getAsInt()) {
            Map.Entry<Long, Connection> oldest = waiting.pollFirstEntry();
            displaced = oldest != null ? oldest.getValue() : longestUnderway(now);
            if (displaced == null) {
                return new Admission(false, null);
            }
            underway.remove(displaced);
        }
        waiting.put(c.id(), c);
        return new Admission(true, displaced);
    }

    private Connection longestUnderway(long now) {
        Connection longest = null;
        long since = now - GRACE.toNanos();
        for (Map.Entry<Connection, Long> e : underway.entrySet()) {
            if (e.getValue() < since) {
                longest = e.getKey();
                since = e.getValue();
            }
        }
        return longest;
    }

    /** The broker starts ({@code true}) or ends ({@code false}) work on {@code c}'s login, at {@code now}. */
    synchronized void underway(Connection c, boolean working, long now) {
        if (working && waiting.remove(c.id(), c)) {
            underway.put(c, now);
        } else if (!working && underway.remove(c) != null) {
            waiting.put(c.id(), c);
        }
    }

    /** {@code c} logged in, needs no login, or ended. */
    synchronized void done(Connection c) {
        waiting.remove(c.id(), c);
        underway.remove(c);
    }

    /** Takes out and returns the connections accepted more than their own {@code limitNanos} before {@code now}. */
    synchronized List<Connection> expired(long now, ToLongFunction<Connection> limitNanos) {
        List<Connection> late = new ArrayList<>();
        for (Connection c : waiting.values()) {
            if (now - c.startNanos() > limitNanos.applyAsLong(c)) {
                late.add(c);
            }
        }
        for (Connection c : underway.keySet()) {
            if (now - c.startNanos() > limitNanos.applyAsLong(c)) {
                late.add(c);
            }
        }
        late.forEach(this::done);
        return late;
    }

    synchronized int size() {
        return waiting.size() + underway.size();
    }
}

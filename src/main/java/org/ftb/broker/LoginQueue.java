package org.ftb.broker;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The connections that have not logged in yet (their SOCKS request, and for an FTP session its FTP
 * login), which BROKER MAXPRELOGIN bounds. A connection whose login the broker is working on (a name
 * lookup, a connect, an SSH login) keeps its place; when one more connection arrives, the one that has
 * waited longest on its own client makes room. So clients that connect and say nothing cannot push out
 * a login under way, and cannot keep a new client out for longer than it takes to log in.
 * Thread-safe: events come from every reactor and worker.
 */
final class LoginQueue {
    /** What {@link #admit} decided: whether the new connection may stay, and who made room for it. */
    record Admission(boolean admitted, Connection displaced) {
    }

    private final int limit;
    /** Waiting on their own client, oldest first (ids grow with time). */
    private final TreeMap<Long, Connection> waiting = new TreeMap<>();
    private final Set<Connection> underway = new HashSet<>();

    LoginQueue(int limit) {
        this.limit = limit;
    }

    /** A new connection: admitted, after the longest-waiting one made room if need be; refused when every place is a login under way. */
    synchronized Admission admit(Connection c) {
        Connection displaced = null;
        if (size() >= limit) {
            Map.Entry<Long, Connection> oldest = waiting.pollFirstEntry();
            if (oldest == null) {
                return new Admission(false, null);
            }
            displaced = oldest.getValue();
        }
        waiting.put(c.id(), c);
        return new Admission(true, displaced);
    }

    /** The broker starts ({@code true}) or ends ({@code false}) work on {@code c}'s login. */
    synchronized void underway(Connection c, boolean working) {
        if (working && waiting.remove(c.id(), c)) {
            underway.add(c);
        } else if (!working && underway.remove(c)) {
            waiting.put(c.id(), c);
        }
    }

    /** {@code c} logged in, needs no login, or ended. */
    synchronized void done(Connection c) {
        waiting.remove(c.id(), c);
        underway.remove(c);
    }

    /** Takes out and returns the connections accepted more than {@code limitNanos} before {@code now}. */
    synchronized List<Connection> expired(long now, long limitNanos) {
        List<Connection> late = new ArrayList<>();
        for (Connection c : waiting.values()) {
            if (now - c.startNanos() > limitNanos) {
                late.add(c);
            }
        }
        for (Connection c : underway) {
            if (now - c.startNanos() > limitNanos) {
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

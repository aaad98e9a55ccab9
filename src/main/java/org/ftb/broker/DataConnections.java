package org.ftb.broker;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The data connections of one FTP session: what they add to the session's idle clock and audit
 * record, and their reset when the session breaks. Read from any thread.
 */
final class DataConnections {
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong endedBytes = new AtomicLong();
    private volatile long endedActivityNanos;

    /** A data connection claimed its port: it counts from now, while its way to the server opens. */
    void started(Connection data) {
        open.add(data);
    }

    void ended(Connection data) {
        if (open.remove(data)) {
            endedBytes.addAndGet(data.bytesCarried());
        }
        endedActivityNanos = Math.max(endedActivityNanos, data.ownActivityNanos());
    }

    /** How many are open (or opening) now. */
    int count() {
        return open.size();
    }

    /** When bytes last moved on any of them, open or ended; 0 if none ever did. */
    long lastActivityNanos() {
        long latest = endedActivityNanos;
        for (Connection data : open) {
            latest = Math.max(latest, data.ownActivityNanos());
        }
        return latest;
    }

    /** Bytes carried both ways by all of them. */
    long bytes() {
        long carried = endedBytes.get();
        for (Connection data : open) {
            carried += data.bytesCarried();
        }
        return carried;
    }

    /** Resets every open one, recording why. */
    void abortAll(String outcome) {
        for (Connection data : open) {
            data.abort(outcome);
        }
    }
}

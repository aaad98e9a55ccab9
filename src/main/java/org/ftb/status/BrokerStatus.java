package org.ftb.status;

import java.time.Duration;
import java.util.List;

/** What DISPLAY shows: the broker's state at one moment. */
public record BrokerStatus(String version, boolean stopping, Duration uptime, List<String> listeners, String protocols,
                           String auth, int activeSessions, int maxSessions, int loggingIn, int heldUploads, Totals totals, List<SessionView> sessions)
        implements ServiceStatus {
    public BrokerStatus {
        listeners = List.copyOf(listeners);
        sessions = List.copyOf(sessions);
    }
}

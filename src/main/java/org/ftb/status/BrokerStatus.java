package org.ftb.status;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What DISPLAY shows: the broker's state at one moment.
 *
 * @param source         the configuration source, as --config named it
 * @param generation     1 for the configuration of the start, one more for each valid RELOAD
 * @param draining       true after DRAIN, until RESUME
 * @param sshConnections SSH connections open or being opened
 * @param endings        connections ended since the start, by result (OK, DENIED, CANCELLED...)
 */
public record BrokerStatus(String version, boolean stopping, Duration uptime, String source, int generation, boolean draining,
                           List<String> listeners, String protocols, String auth, int activeSessions, int maxSessions,
                           int loggingIn, int heldUploads, int sshConnections, Totals totals, Map<String, Long> endings,
                           List<SessionView> sessions)
        implements ServiceStatus {
    public BrokerStatus {
        listeners = List.copyOf(listeners);
        endings = Map.copyOf(endings);
        sessions = List.copyOf(sessions);
    }
}

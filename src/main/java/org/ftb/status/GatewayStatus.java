package org.ftb.status;

import java.time.Duration;

/**
 * What DISPLAY shows of {@code ftb gateway}. It has no session limit and does not count the bytes its
 * tunnels carry, so it has no such figures.
 *
 * @param accepted        SSH connections accepted since start
 * @param tunnels         tunnels (direct-tcpip channels) opened since start
 * @param denied          tunnels refused because PERMIT does not name their destination
 * @param passwordRefused password logins refused
 * @param draining        true after DRAIN, until RESUME: new SSH connections are refused
 * @param sessions        the SSH connections now, one entry each
 */
public record GatewayStatus(String version, boolean stopping, Duration uptime, String listener, String auth,
                            int activeSessions, int peakSessions, long accepted, long tunnels, long denied,
                            long passwordRefused, boolean draining, java.util.List<SessionView> sessions) implements ServiceStatus {
    public GatewayStatus {
        sessions = java.util.List.copyOf(sessions);
    }
}

package org.ftb.config;

import java.time.Duration;

/**
 * The BROKER statement. A zero idle timeout means connections are never closed for being idle.
 *
 * @param maxPreLogin  connections not yet logged in (SOCKS handshake, FTP login) at once, at most
 *                     {@code maxSessions}; past it the one that has waited longest on its own client
 *                     makes room for a new one
 * @param loginTimeout how long a connection may take to log in, from its accept: the SOCKS request and,
 *                     for an FTP session, the FTP login too; by default longer than the slowest login
 *                     the other limits allow (an SSH login within twice CONNECTTIMEOUT, then the
 *                     server's greeting within CONNECTTIMEOUT)
 */
public record BrokerSettings(int maxSessions, Duration idleTimeout, Duration handshakeTimeout,
                             Duration connectTimeout, Duration stopTimeout, int maxPreLogin, Duration loginTimeout) {
    public static final BrokerSettings DEFAULTS = new BrokerSettings(2000, Duration.ofSeconds(600),
            Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), defaultMaxPreLogin(2000), Duration.ofSeconds(120));

    /**
     * Half of MAXSESSIONS, so that clients that never log in cannot hold the other half, yet a burst of
     * real logins (each waits for an SSH login) is not cut short; at least 16 where MAXSESSIONS allows.
     */
    public static int defaultMaxPreLogin(int maxSessions) {
        return Math.max(Math.min(maxSessions, 16), maxSessions / 2);
    }
}

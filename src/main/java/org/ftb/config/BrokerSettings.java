package org.ftb.config;

import java.time.Duration;

/**
 * The BROKER statement. A zero idle timeout means connections are never closed for being idle.
 */
public record BrokerSettings(int maxSessions, Duration idleTimeout, Duration handshakeTimeout,
                             Duration connectTimeout, Duration stopTimeout) {
    public static final BrokerSettings DEFAULTS = new BrokerSettings(2000, Duration.ofSeconds(600),
            Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));
}

package org.ftb.config;

import org.ftb.rules.PortRange;

import java.time.Duration;

/**
 * The DATA statement: where the broker accepts FTP passive data connections.
 *
 * @param listen the IP address of the data listeners, which rewritten 227 replies name
 * @param ports  the ports data listeners use; {@link PortRange#ALL} lets the system choose
 * @param holdTimeout how long a broken upload's data channel is held open at most, waiting for the FTP
 *                    server to end the transfer itself; zero: not held
 */
public record DataSettings(String listen, PortRange ports, Duration holdTimeout) {
    /** Longer than the data timeouts of common FTP servers: vsftpd fails a stalled transfer within 2 x 300 s, ProFTPD within 3600 s. */
    public static final Duration DEFAULT_HOLD = Duration.ofSeconds(7200);
    public static final DataSettings DEFAULTS = new DataSettings("127.0.0.1", PortRange.ALL, DEFAULT_HOLD);
}

package org.ftb.config;

import org.ftb.rules.PortRange;

/**
 * The DATA statement: where the broker accepts FTP passive data connections.
 *
 * @param listen the IP address of the data listeners, which rewritten 227 replies name
 * @param ports  the ports data listeners use; {@link PortRange#ALL} lets the system choose
 */
public record DataSettings(String listen, PortRange ports) {
    public static final DataSettings DEFAULTS = new DataSettings("127.0.0.1", PortRange.ALL);
}

package org.ftb.config;

import org.ftb.address.HostPort;
import org.ftb.platform.TextFiles;
import org.ftb.rules.DestinationPattern;
import org.ftb.rules.PortRange;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The GATEWAY statement: the embedded SSH server of {@code ftb gateway}, which allows nothing but
 * direct-tcpip channels to the PERMIT destinations.
 *
 * @param textFiles how HOSTKEY and the AUTHORIZEDKEYS files are decoded: by the platform's code page
 */
public record GatewaySettings(HostPort listen, Path hostKey, Optional<Path> usersFile, Optional<org.ftb.auth.UserDirectory> users,
                              Optional<Path> authorizedKeys, int maxAuthTries, List<Permit> permits, TextFiles textFiles) {
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 2222);
    /** As OpenSSH's MaxAuthTries. */
    public static final int DEFAULT_MAX_AUTH_TRIES = 6;

    public GatewaySettings {
        permits = List.copyOf(permits);
    }

    /** One PERMIT entry: destinations and ports a tunnel may reach. */
    public record Permit(DestinationPattern destination, PortRange ports) {
        public String text() {
            return (destination.text().indexOf(':') >= 0 ? "[" + destination.text() + "]" : destination.text()) + ":" + ports.text();
        }
    }
}

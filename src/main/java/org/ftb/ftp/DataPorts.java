package org.ftb.ftp;

import java.io.IOException;
import java.util.Optional;

/** Broker data ports: the narrow part of the networking layer that the FTP session needs, owned by the FTP side. */
public interface DataPorts {
    /**
     * Opens a port for one data connection to the control connection's server port
     * {@code serverPort}; the address the server named is only a hint.
     *
     * @return the local port the client must use
     * @throws IOException when no port can be opened (the client gets 425)
     */
    int announce(int serverPort, Optional<String> hintAddress) throws IOException;

    /** The IPv4 address for 227 replies. */
    byte[] address();
}

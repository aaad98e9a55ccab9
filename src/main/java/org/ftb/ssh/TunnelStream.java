package org.ftb.ssh;

import org.ftb.relay.Endpoint;

import java.util.concurrent.CompletableFuture;

/**
 * An open tunnel to a destination: an SSH direct-tcpip channel. Its read ends cleanly only on the
 * channel's own EOF; a channel closed without one (its SSH connection lost, the SSH server gone)
 * fails with {@link TunnelLost}, so a broken tunnel never looks like a finished transfer.
 */
public interface TunnelStream extends Endpoint {

    /**
     * Opens another tunnel on the same SSH connection and login, for example an FTP data
     * connection beside its control connection. Never blocks.
     */
    CompletableFuture<TunnelStream> openAlongside(String destination, int port, String originHost, int originPort);

    /** How the tunnel runs, for logs: SSH host, user and the cipher in use. */
    String describe();

    /** The tunnel ended without the SSH channel's EOF: its SSH connection or the SSH server is gone. */
    final class TunnelLost extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        public TunnelLost(String message) {
            super(message);
        }
    }
}

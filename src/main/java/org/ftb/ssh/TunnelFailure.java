package org.ftb.ssh;

/** Why a tunnel could not be opened, classified so that each cause gets its own reply and message. */
public final class TunnelFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** The causes, in the order a tunnel is built. */
    public enum Kind {
        /** The SSH server did not answer or refused the TCP connection. */
        SSH_UNREACHABLE,
        /** The SSH server's host key is unknown (STRICT) or differs from KNOWNHOSTS. */
        HOST_KEY_REFUSED,
        /** The SSH login was refused. */
        LOGIN_REFUSED,
        /** The key or passphrase file could not be used. */
        KEY_UNUSABLE,
        /** The SSH server refused the channel by policy (administratively prohibited). */
        CHANNEL_PROHIBITED,
        /** The SSH server could not connect to the destination: refused. */
        DESTINATION_REFUSED,
        /** The SSH server could not reach or resolve the destination. */
        DESTINATION_UNREACHABLE,
        /** Anything else. */
        OTHER
    }

    private final Kind kind;

    public TunnelFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

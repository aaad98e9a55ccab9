package org.ftb.rules;

/** What the broker does with a connection that a rule matches. */
public enum Action {
    /** Connect straight to the destination and relay bytes. */
    DIRECT,
    /** Refuse with the SOCKS "not allowed by ruleset" reply. */
    DENY,
    /** Plain TCP through an SSH direct-tcpip channel. */
    TUNNEL,
    /** FTP-aware tunnel: control and passive data connections through SSH. */
    FTPTUNNEL;

    public boolean usesSsh() {
        return this == TUNNEL || this == FTPTUNNEL;
    }
}

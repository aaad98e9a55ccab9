package org.ftb.rules;

/** How a tunnel rule logs in to its SSH host. */
public enum TunnelAuth {
    /** With the USER and PASS the FTP client sends. */
    FTPLOGIN,
    /** With the SSH host's configured user and key. */
    KEY
}

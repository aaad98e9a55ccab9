package org.ftb.config;

/** SOCKS AUTH values. */
public enum SocksAuth {
    /** No credentials required; a SOCKS 5 user name offered anyway is recorded for audit. */
    NONE,
    /** RFC 1929 user name and password, checked against the USERS file (SOCKS 5 only). */
    USERPASS
}

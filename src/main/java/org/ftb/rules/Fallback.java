package org.ftb.rules;

/** What an FTP tunnel does when its SSH host cannot be reached. */
public enum Fallback {
    /** Refuse the session. */
    NO,
    /** Carry on in plaintext, straight to the FTP server, with a warning. */
    PLAIN
}

package org.ftb.ftp;

import java.util.Set;

/**
 * What the control dialogue says of the data connections (passive mode: one data connection a
 * transfer, on the data port announced for it, RFC 959 3.2): which data port, counted by its
 * announcement, the latest store (STOR, STOU, APPE) uses; whether the latest port's transfer command
 * has come; and whether the broker may send ABOR for a store. Which reply answers the store does not
 * count here, since servers that read commands during a transfer answer those out of turn. Not
 * thread-safe.
 */
public final class DataTransfer {
    /** The commands that use a data connection (RFC 959 4.1.3, RFC 3659 MLSD). */
    private static final Set<String> TRANSFERS = Set.of("RETR", "STOR", "STOU", "APPE", "LIST", "NLST", "MLSD");
    private static final Set<String> STORES = Set.of("STOR", "STOU", "APPE");

    private boolean awaited;
    private int announcements;
    private int storePort = -1;
    private int abortedPort = -1;
    /** A PASV or EPSV went after the store and no reply has come since: the client may be moving on. */
    private boolean passiveAfter;

    /** True for a command that moves data over a data connection. */
    static boolean isTransfer(String verb) {
        return TRANSFERS.contains(verb);
    }

    /** True for a transfer whose data goes to the server. */
    static boolean isStore(String verb) {
        return STORES.contains(verb);
    }

    /** A command went to the server. */
    void sent(String verb) {
        if (TRANSFERS.contains(verb)) {
            awaited = false;
            passiveAfter = false;
            if (STORES.contains(verb)) {
                storePort = announcements;
            }
        } else if (verb.equals("PASV") || verb.equals("EPSV")) {
            passiveAfter = storePort == announcements;
        }
    }

    /**
     * A final reply came from the server. Only one that can answer a PASV or EPSV ends the wait for it:
     * a passive reply (227, 229), or a refusal other than the 426 that ends a store. Others (200 to a
     * NOOP sent with the PASV) answer other commands.
     */
    void replied(int code) {
        if (code == 227 || code == 229 || (code >= 400 && code != 426)) {
            passiveAfter = false;
        }
    }

    /** A data port was announced to the client. */
    void announced() {
        awaited = true;
        announcements++;
    }

    /** True while a data port is announced and its transfer command has not gone to the server yet. */
    public boolean awaited() {
        return awaited;
    }

    /** How many data ports were announced: a data connection belongs to the latest one when it comes. */
    public int announcements() {
        return announcements;
    }

    /** The announcement whose data port the latest store uses; -1 before any store. */
    public int storePort() {
        return storePort;
    }

    /**
     * True when ABOR may go for the store on data port {@code port}: it is the latest store and the
     * latest port (the client has not moved on to another transfer), no ABOR went for it, and no PASV
     * or EPSV is waiting for its reply (an ABOR behind one may abort the next transfer instead).
     */
    boolean mayAbort(int port) {
        return storePort == port && port == announcements && abortedPort != port && !passiveAfter;
    }

    /** True when ABOR for the store on {@code port} waits only for the reply to a PASV or EPSV sent after it. */
    boolean abortWaits(int port) {
        return passiveAfter && storePort == port && port == announcements && abortedPort != port;
    }

    void abortSent(int port) {
        abortedPort = port;
    }
}

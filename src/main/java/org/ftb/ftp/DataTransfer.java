package org.ftb.ftp;

import java.util.Set;

/**
 * What the control dialogue says of the data connection in use (passive mode: one data connection a
 * transfer, RFC 959 3.2): whether a data port was announced and its transfer command has not come yet,
 * whether that command was a store, and whether the broker may still send ABOR for the store. Which
 * reply answers the store does not count here, since servers that read commands during a transfer
 * answer those out of turn. Not thread-safe.
 */
public final class DataTransfer {
    /** The commands that use a data connection (RFC 959 4.1.3, RFC 3659 MLSD). */
    private static final Set<String> TRANSFERS = Set.of("RETR", "STOR", "STOU", "APPE", "LIST", "NLST", "MLSD");
    private static final Set<String> STORES = Set.of("STOR", "STOU", "APPE");

    private boolean awaited;
    private int announcements;
    private boolean storing;
    /** A PASV or EPSV went after the store: an ABOR now could abort the next transfer instead. */
    private boolean passiveAfter;
    private boolean aborted;

    /** A command went to the server. */
    void sent(String verb) {
        if (TRANSFERS.contains(verb)) {
            awaited = false;
            storing = STORES.contains(verb);
            passiveAfter = false;
            aborted = false;
        } else if (verb.equals("PASV") || verb.equals("EPSV")) {
            passiveAfter = storing;
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

    /** How many data ports were announced: a data connection belongs to the latest one. */
    public int announcements() {
        return announcements;
    }

    /** True when the data connection in use is a store's (STOR, STOU, APPE). */
    public boolean storeUnderWay() {
        return storing && !awaited;
    }

    /** True when ABOR may go for the store under way: none went yet, and no PASV or EPSV after it. */
    boolean mayAbort() {
        return storeUnderWay() && !aborted && !passiveAfter;
    }

    void abortSent() {
        aborted = true;
    }
}

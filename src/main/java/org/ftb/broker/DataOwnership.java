package org.ftb.broker;

import org.ftb.platform.SocketOwners;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Whether a data connection belongs to the FTP session whose data port it claims. Every batch job on
 * a host connects from the same loopback address, so the address alone proves nothing: the claimant
 * must also be the same SOCKS user where the session gave one, and, where the system can tell
 * ({@link SocketOwners}), a socket of the same local user. What each system can and cannot tell is
 * set out in docs/security.md.
 */
final class DataOwnership {
    private final SocketOwners owners;

    DataOwnership(SocketOwners owners) {
        this.owners = owners;
    }

    /**
     * Why {@code claimant} may not use a data port of the session on {@code control}, or empty when it
     * may. May read system tables: call it off the selector threads.
     *
     * @param viaSocks true when the claimant came through SOCKS (and so has a SOCKS user, maybe empty)
     */
    Optional<String> refusal(Connection control, Connection claimant, boolean viaSocks) {
        if (!claimant.client().ip().equals(control.client().ip())) {
            return Optional.of("address " + claimant.client().ip() + " is not the control connection's client address");
        }
        if (viaSocks && !claimant.client().socksUser().equals(control.client().socksUser())) {
            return Optional.of("SOCKS user " + quoted(claimant.client().socksUser()) + " is not the session's " + quoted(control.client().socksUser()));
        }
        // With SOCKS AUTH(USERPASS) a data connection must log in through SOCKS as the session's user.
        if (!viaSocks && control.generation().passwordRequired()) {
            return Optional.of("a connection made straight to the port, not through SOCKS, has no SOCKS user to check");
        }
        if (!owners.available()) {
            return Optional.empty();
        }
        OptionalInt[] claimantAndSession;
        try {
            claimantAndSession = control.client().ownersWith(claimant.client(), owners);
        } catch (IOException e) {
            // Unknown is not "no owner": both unknown would pass as two sockets of another host.
            return Optional.of("the owners of the sockets cannot be read now (" + e.getMessage() + ")");
        }
        OptionalInt claimantOwner = claimantAndSession[0];
        OptionalInt owner = claimantAndSession[1];
        if (!owner.equals(claimantOwner)) {
            return Optional.of("local user id " + text(claimantOwner) + " is not the session's " + text(owner));
        }
        return Optional.empty();
    }

    /** Quoted, since a SOCKS user may be empty or hold blanks; the log escapes what it holds (see Msg#format). */
    private static String quoted(String user) {
        return "'" + user + "'";
    }

    private static String text(OptionalInt uid) {
        return uid.isPresent() ? Integer.toUnsignedString(uid.getAsInt()) : "unknown";
    }
}

package org.ftb.ssh;

import java.util.Arrays;

/** How a tunnel logs in to its SSH host. */
public sealed interface Credentials {

    String user();

    /** The SSH host's own USER and KEY (AUTH(KEY)). */
    record HostKey(String user) implements Credentials {
    }

    /**
     * A password, such as the FTP client's (AUTH(FTPLOGIN)). The array is the caller's; it is never
     * printed, and {@link #toString} hides it.
     */
    record Password(String user, char[] password) implements Credentials {
        @Override
        public String toString() {
            return "Password[user=" + user + ", password=(hidden)]";
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Password p && p.user.equals(user) && Arrays.equals(p.password, password);
        }

        @Override
        public int hashCode() {
            return user.hashCode();
        }
    }
}

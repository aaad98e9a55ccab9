package org.ftb.socks;

import java.util.Arrays;

/** What a {@link SocksServerHandshake} wants done next. */
public sealed interface Step {

    /** The bytes so far are a prefix of a message: read more. */
    record NeedMore() implements Step {
    }

    /** Send these bytes, then feed the handshake again (bytes may already be waiting). */
    record Reply(byte[] bytes) implements Step {
    }

    /**
     * Check this RFC 1929 user and password, then call {@link SocksServerHandshake#authenticated}.
     * The password array belongs to the checker, which should wipe it.
     */
    record Authenticate(String user, byte[] password) implements Step {
        @Override
        public String toString() {
            return "Authenticate[user=" + user + ", password=(hidden)]";
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Authenticate a && a.user.equals(user) && Arrays.equals(a.password, password);
        }

        @Override
        public int hashCode() {
            return user.hashCode();
        }
    }

    /** A complete CONNECT; bytes after it in the buffer are the client's first payload. */
    record Connect(ConnectRequest request) implements Step {
    }

    /** Send {@code reply} (possibly empty) and close; {@code reason} says why, for the log. */
    record Refuse(byte[] reply, String reason) implements Step {
    }
}

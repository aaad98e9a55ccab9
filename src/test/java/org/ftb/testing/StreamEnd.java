package org.ftb.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * How a TCP stream ended for its reader, and after how many bytes: a clean end of stream (FIN), a
 * reset, a read timeout, or another error. Fault tests use it to tell a reset from a clean end.
 */
public record StreamEnd(Kind kind, long bytes, String detail) {
    public enum Kind {
        /** read() returned -1: the peer closed cleanly. */
        EOF,
        /** read() threw a SocketException saying "Connection reset" (an RST arrived). */
        RESET,
        /** Nothing arrived within the socket's read timeout. */
        TIMEOUT,
        /** Any other I/O error. */
        ERROR
    }

    /** Reads everything there is, as fast as it comes, and says how the stream ended. */
    public static StreamEnd drain(InputStream in) {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
            }
            return new StreamEnd(Kind.EOF, total, "clean end of stream");
        } catch (SocketTimeoutException e) {
            return new StreamEnd(Kind.TIMEOUT, total, String.valueOf(e.getMessage()));
        } catch (SocketException e) {
            boolean reset = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("reset");
            return new StreamEnd(reset ? Kind.RESET : Kind.ERROR, total, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (IOException e) {
            return new StreamEnd(Kind.ERROR, total, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return kind + " after " + bytes + " more bytes (" + detail + ")";
    }
}

package org.ftb.ftp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a control-connection byte stream into lines: CRLF ends a line, a bare LF is accepted, and no
 * line may be longer than the limit. Each line comes with its raw bytes, line end included, so that
 * it can be relayed unchanged.
 */
final class LineSplitter {
    /** Receives each complete line. */
    @FunctionalInterface
    interface Sink<X extends Exception> {
        void line(String text, byte[] raw) throws X;
    }

    private final int maxLine;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final ByteArrayOutputStream raw = new ByteArrayOutputStream();

    LineSplitter(int maxLine) {
        this.maxLine = maxLine;
    }

    /**
     * Feeds bytes; complete lines go to {@code sink}, in order.
     *
     * @return false when a line grew longer than the limit: the stream cannot be read on
     */
    <X extends Exception> boolean feed(byte[] data, int offset, int length, Sink<X> sink) throws X {
        for (int i = offset; i < offset + length; i++) {
            byte b = data[i];
            raw.write(b);
            if (b != '\n') {
                if (line.size() >= maxLine) {
                    return false;
                }
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            line.reset();
            byte[] lineBytes = raw.toByteArray();
            raw.reset();
            sink.line(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text, lineBytes);
        }
        return true;
    }
}

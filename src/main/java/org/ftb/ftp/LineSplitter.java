package org.ftb.ftp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a control-connection byte stream into lines: CRLF ends a line, a bare LF is accepted, and no
 * line may be longer than the limit. Each line comes with its raw bytes, line end included, so that
 * it can be relayed unchanged. A line over the limit is skipped to its end and reported as such, so
 * the stream can be read on.
 */
final class LineSplitter {
    /** Receives each complete line. */
    interface Sink {
        void line(String text, byte[] raw);

        /** A line longer than the limit was skipped. */
        void tooLong();
    }

    private final int maxLine;
    private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
    private boolean skipping;

    LineSplitter(int maxLine) {
        this.maxLine = maxLine;
    }

    /** Feeds bytes; complete lines go to {@code sink}, in order. */
    void feed(byte[] data, int offset, int length, Sink sink) {
        for (int i = offset; i < offset + length; i++) {
            byte b = data[i];
            if (b != '\n') {
                if (skipping) {
                    continue;
                }
                if (raw.size() >= maxLine) {
                    skipping = true;
                    raw.reset();
                    continue;
                }
                raw.write(b);
                continue;
            }
            if (skipping) {
                skipping = false;
                sink.tooLong();
                continue;
            }
            raw.write(b);
            byte[] lineBytes = raw.toByteArray();
            raw.reset();
            int end = lineBytes.length - 1;
            if (end > 0 && lineBytes[end - 1] == '\r') {
                end--;
            }
            sink.line(new String(lineBytes, 0, end, StandardCharsets.ISO_8859_1), lineBytes);
        }
    }
}

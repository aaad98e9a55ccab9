package org.ftb.ftp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads FTP replies from a byte stream: bytes in, complete replies out. A multi-line reply starts
 * with {@code ddd-} and ends at the first line that starts with the same code and a blank; lines in
 * between are free text. Every line and every reply is bounded, so a hostile server cannot make it buffer without limit.
 */
public final class FtpReplyReader {
    public static final int MAX_LINE = 8 * 1024;
    public static final int MAX_LINES = 1000;

    private final LineSplitter splitter = new LineSplitter(MAX_LINE);
    private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
    private final List<String> lines = new ArrayList<>();
    private int code = -1;

    /** A reply that breaks the protocol; the connection cannot go on. */
    public static final class MalformedReply extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedReply(String message) {
            super(message);
        }
    }

    /** Takes {@code length} bytes and returns the replies they complete, in order. */
    public List<FtpReply> feed(byte[] data, int offset, int length) throws MalformedReply {
        List<FtpReply> out = new ArrayList<>();
        boolean ok = splitter.feed(data, offset, length, (text, lineBytes) -> {
            raw.writeBytes(lineBytes);
            lineComplete(text).ifPresent(out::add);
        });
        if (!ok) {
            throw new MalformedReply("reply line longer than " + MAX_LINE + " bytes");
        }
        return out;
    }

    private Optional<FtpReply> lineComplete(String text) throws MalformedReply {
        if (code < 0) {
            if (text.length() < 3 || !isCode(text) || (text.length() > 3 && text.charAt(3) != ' ' && text.charAt(3) != '-')) {
                throw new MalformedReply("not an FTP reply: " + printable(text));
            }
            code = Integer.parseInt(text.substring(0, 3));
            lines.add(text);
            if (text.length() > 3 && text.charAt(3) == '-') {
                return Optional.empty();
            }
            return Optional.of(complete());
        }
        if (lines.size() >= MAX_LINES) {
            throw new MalformedReply("multi-line reply longer than " + MAX_LINES + " lines");
        }
        lines.add(text);
        boolean last = text.length() >= 3 && isCode(text) && Integer.parseInt(text.substring(0, 3)) == code
                && (text.length() == 3 || text.charAt(3) == ' ');
        return last ? Optional.of(complete()) : Optional.empty();
    }

    private FtpReply complete() {
        FtpReply reply = new FtpReply(code, lines, raw.toByteArray());
        code = -1;
        lines.clear();
        raw.reset();
        return reply;
    }

    private static boolean isCode(String text) {
        return Character.isDigit(text.charAt(0)) && Character.isDigit(text.charAt(1)) && Character.isDigit(text.charAt(2))
                && text.charAt(0) >= '1' && text.charAt(0) <= '5';
    }

    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(80, text.length()); i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("X'%02X'", (int) c));
        }
        return out.toString();
    }
}

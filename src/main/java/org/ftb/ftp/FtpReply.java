package org.ftb.ftp;

import org.ftb.message.Printable;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One complete FTP reply (RFC 959 4.2): a three-digit code and its lines, single or multi-line.
 *
 * @param raw the reply exactly as received, for relaying unchanged
 */
public record FtpReply(int code, List<String> lines, byte[] raw) {

    public FtpReply {
        lines = List.copyOf(lines);
        raw = raw.clone();
    }

    /**
     * A single-line reply the broker makes itself. Its text is made {@link Printable}: it may echo what
     * the client sent (a user name), and a CR in it would end the reply early and start a forged one.
     */
    public static FtpReply of(int code, String text) {
        String line = code + " " + Printable.of(text);
        return new FtpReply(code, List.of(line), (line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    /** The text of the last line, after the code and its separator. */
    public String text() {
        String last = lines.get(lines.size() - 1);
        return last.length() > 4 ? last.substring(4) : "";
    }

    public boolean isPositiveCompletion() {
        return code / 100 == 2;
    }

    public boolean isPositiveIntermediate() {
        return code / 100 == 3;
    }
}

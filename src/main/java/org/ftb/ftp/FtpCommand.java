package org.ftb.ftp;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One FTP command line from the client: the verb (upper case) and its argument.
 *
 * @param raw the line exactly as received, CRLF included, for relaying unchanged
 */
public record FtpCommand(String verb, String argument, byte[] raw) {

    public FtpCommand {
        raw = raw.clone();
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    /** Parses a line without its line end. */
    static FtpCommand parse(String line, byte[] raw) {
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String argument = space < 0 ? "" : line.substring(space + 1);
        return new FtpCommand(verb, argument, raw);
    }

    /** A command the broker sends itself. */
    public static FtpCommand of(String verb, String argument) {
        String line = argument.isEmpty() ? verb : verb + " " + argument;
        return new FtpCommand(verb, argument, (line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** For logs: the argument of PASS and ACCT is never shown. */
    @Override
    public String toString() {
        return verb.equals("PASS") || verb.equals("ACCT") ? verb + " ****" : argument.isEmpty() ? verb : verb + " " + argument;
    }
}

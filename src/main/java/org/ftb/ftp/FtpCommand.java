package org.ftb.ftp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * One FTP command line from the client: the verb (upper case) and its argument.
 *
 * @param raw the line as received, CRLF included, for relaying unchanged, less any Telnet control
 *            bytes in front of the verb (RFC 959 4.1.3: IP and Synch may precede ABOR, STAT, QUIT)
 */
public record FtpCommand(String verb, String argument, byte[] raw) {
    /** Stands for a line longer than {@link FtpCommandReader#MAX_LINE}, which was skipped. */
    public static final FtpCommand TOO_LONG = new FtpCommand("", "", new byte[0]);
    /** Stands for a line with a CR or NUL before its line end, which was not sent on. */
    public static final FtpCommand CR_OR_NUL = new FtpCommand("", "", new byte[0]);

    public FtpCommand {
        raw = raw.clone();
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    /** Parses a line without its line end. */
    static FtpCommand parse(String line, byte[] raw) {
        int telnet = 0;
        while (telnet < line.length() && isTelnetControl(line.charAt(telnet))) {
            telnet++;
        }
        String text = line.substring(telnet);
        int space = text.indexOf(' ');
        String verb = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
        String argument = space < 0 ? "" : text.substring(space + 1);
        return new FtpCommand(verb, argument, Arrays.copyOfRange(raw, telnet, raw.length));
    }

    /** IAC, IP, DM (RFC 854), as ftplib and others send them before ABOR. */
    private static boolean isTelnetControl(char c) {
        return c == 0xFF || c == 0xF4 || c == 0xF2;
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

package org.ftb.ftp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads FTP command lines from the client: bytes in, commands out. Lines end with CRLF (a bare LF
 * is accepted) and are bounded; Telnet IP/Synch sequences before ABOR are passed through as bytes.
 */
public final class FtpCommandReader {
    public static final int MAX_LINE = 4 * 1024;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final ByteArrayOutputStream raw = new ByteArrayOutputStream();

    /** A command line longer than {@link #MAX_LINE}. */
    public static final class LineTooLong extends Exception {
        private static final long serialVersionUID = 1L;

        LineTooLong() {
            super("command line longer than " + MAX_LINE + " bytes");
        }
    }

    public List<FtpCommand> feed(byte[] data, int offset, int length) throws LineTooLong {
        List<FtpCommand> out = new ArrayList<>();
        for (int i = offset; i < offset + length; i++) {
            byte b = data[i];
            raw.write(b);
            if (b != '\n') {
                if (line.size() >= MAX_LINE) {
                    throw new LineTooLong();
                }
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            line.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            // Telnet "interrupt process" and "synch" bytes may precede ABOR; they are not part of the verb.
            String verbText = text.replaceAll("^[\\xFF\\xF4\\xF2]+", "");
            out.add(FtpCommand.parse(verbText, raw.toByteArray()));
            raw.reset();
        }
        return out;
    }
}

package org.ftb.ftp;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads FTP command lines from the client: bytes in, commands out. Lines are bounded; Telnet IP/Synch
 * sequences before ABOR are passed through as bytes.
 */
public final class FtpCommandReader {
    public static final int MAX_LINE = 4 * 1024;

    private final LineSplitter lines = new LineSplitter(MAX_LINE);

    /** A command line longer than {@link #MAX_LINE}. */
    public static final class LineTooLong extends Exception {
        private static final long serialVersionUID = 1L;

        LineTooLong() {
            super("command line longer than " + MAX_LINE + " bytes");
        }
    }

    public List<FtpCommand> feed(byte[] data, int offset, int length) throws LineTooLong {
        List<FtpCommand> out = new ArrayList<>();
        // Telnet "interrupt process" and "synch" bytes may precede ABOR; they are not part of the verb.
        boolean ok = lines.feed(data, offset, length, (text, raw) -> out.add(FtpCommand.parse(text.replaceAll("^[\\xFF\\xF4\\xF2]+", ""), raw)));
        if (!ok) {
            throw new LineTooLong();
        }
        return out;
    }
}

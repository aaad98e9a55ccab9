package org.ftb.ftp;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads FTP command lines from the client: bytes in, commands out. Lines are bounded; an over-long
 * line becomes {@link FtpCommand#TOO_LONG} so that the client can be told and the session go on. A
 * line with a CR or NUL before its end becomes {@link FtpCommand#CR_OR_NUL}: RFC 959 allows neither in
 * a command, and a server may take a CR for the end of one, so the text after it would reach the
 * server as a command the broker never read.
 */
public final class FtpCommandReader {
    /** RFC 959 sets no limit; real commands (a path) stay far below this. */
    public static final int MAX_LINE = 4 * 1024;

    private final LineSplitter lines = new LineSplitter(MAX_LINE);

    public List<FtpCommand> feed(byte[] data, int offset, int length) {
        List<FtpCommand> out = new ArrayList<>();
        lines.feed(data, offset, length, new LineSplitter.Sink() {
            @Override
            public void line(String text, byte[] raw) {
                out.add(text.indexOf('\r') >= 0 || text.indexOf('\0') >= 0 ? FtpCommand.CR_OR_NUL : FtpCommand.parse(text, raw));
            }

            @Override
            public void tooLong() {
                out.add(FtpCommand.TOO_LONG);
            }
        });
        return out;
    }
}

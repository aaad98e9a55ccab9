package org.ftb.ftp;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads FTP command lines from the client: bytes in, commands out. Lines are bounded; an over-long
 * line becomes {@link FtpCommand#TOO_LONG} so that the client can be told and the session go on.
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
                out.add(FtpCommand.parse(text, raw));
            }

            @Override
            public void tooLong() {
                out.add(FtpCommand.TOO_LONG);
            }
        });
        return out;
    }
}

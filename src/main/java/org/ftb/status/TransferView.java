package org.ftb.status;

import java.time.Duration;

/**
 * One FTP transfer (RETR, STOR, STOU, APPE, LIST, NLST, MLSD) once it has ended, for its audit record.
 *
 * @param sessionId the FTP session's control connection, as in its {@link SessionView#id()}
 * @param number    the transfer's place in its session: 1 for the first transfer command sent
 * @param ftpUser   the FTP user as the session record shows it ({@code -} for none)
 * @param verb      the command, upper case
 * @param argument  its argument exactly as the client sent it, one character a byte (ISO-8859-1); empty for none
 * @param upload    true when the data went to the server (STOR, STOU, APPE)
 * @param bytes     data bytes its data connection delivered, in the transfer's direction
 * @param duration  from the command going to the server to its final reply, or to the session's end
 * @param code      the server's final reply code, or 0 when the session ended before it
 * @param result    {@code OK}, {@code FAILED}, {@code ABORTED}, or how the session ended before the reply
 */
public record TransferView(long sessionId, int number, String ftpUser, String verb, String argument, boolean upload, long bytes,
                           Duration duration, int code, String result) {

    /** The session's log identity, such as {@code C17}: the same as its session record's. */
    public String tag() {
        return "C" + sessionId;
    }
}

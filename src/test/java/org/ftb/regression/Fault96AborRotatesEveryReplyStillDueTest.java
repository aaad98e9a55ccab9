package org.ftb.regression;

import org.ftb.ftp.ControlSession;
import org.ftb.ftp.DataPorts;
import org.ftb.ftp.Effect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break-it pass (breakit14): the FTP session's bookkeeping of replies still due made each ABOR cost as
 * much as every reply still due, on the reactor thread that serves a share of all sessions.
 *
 * <p><b>Attack:</b> a local user's FTP session, through SOCKS to an ordinary server: during a long RETR
 * (vsftpd reads no command then) it pipelines short commands ({@code NOOP}, 6 bytes), which the broker
 * relays until the SSH channel's window and its own queue are full (some 3 MB: half a million commands,
 * each a reply still due); then {@code ABOR} lines.
 *
 * <p><b>Observed:</b> each ABOR walked the whole queue of replies due, to mark the transfers among them
 * as aborted: 200,000 replies due and 20,000 ABORs took the reactor 30 s (measured through the broker
 * with a server that reads and does not answer), during which the other sessions of that reactor were not
 * served. The broker's own check for its ABOR being due (for held uploads) walked the queue too.
 *
 * <p><b>Correct:</b> an ABOR marks only the transfers due, which the session keeps apart, so its cost
 * does not grow with the number of other commands still due.
 */
@Timeout(60)
class Fault96AborRotatesEveryReplyStillDueTest {
    private static final int DUE = 200_000;
    private static final int ABORS = 20_000;

    @Test
    void abortsCostNothingPerCommandStillDue() {
        DataPorts ports = new DataPorts() {
            @Override
            public int announce(int serverPort, Optional<String> hintAddress) {
                return 40000;
            }

            @Override
            public byte[] address() {
                return new byte[]{127, 0, 0, 1};
            }
        };
        ControlSession session = ControlSession.overOpenServer(ports, "127.0.0.1:21");
        session.start();
        session.fromServer(ascii("220 ready\r\n"));
        session.fromClient(ascii("TYPE I\r\nPASV\r\n"));
        session.fromServer(ascii("200 ok\r\n227 Entering Passive Mode (127,0,0,1,117,48)\r\n"));
        session.fromClient(ascii("RETR big\r\n"));
        session.fromServer(ascii("150 here it comes\r\n"));
        List<Effect> relayed = session.fromClient(ascii("NOOP\r\n".repeat(DUE)));
        assertThat(relayed).as("the NOOPs go to the server").hasSize(DUE);

        long start = System.nanoTime();
        for (int i = 0; i < ABORS; i++) {
            session.fromClient(ascii("ABOR\r\n"));
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("ms for %d ABORs with %d replies due", ABORS, DUE).isLessThan(2_000);

        // The bookkeeping still holds: the transfer's 426 ends it as aborted, and the replies come in order.
        List<Effect> ended = session.fromServer(ascii("426 aborted\r\n"));
        assertThat(ended).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(Effect.TransferEnded.class,
                t -> assertThat(t.aborted()).isTrue()));
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }
}

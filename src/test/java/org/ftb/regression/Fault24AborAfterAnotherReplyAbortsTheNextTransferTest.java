package org.ftb.regression;

import org.ftb.ftp.ControlSession;
import org.ftb.ftp.DataPorts;
import org.ftb.ftp.Effect;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by the sixth break-it pass (0203524), against pyftpdlib 1.5.7 through OpenSSH sshd (3 of 5
 * runs). During an upload the client pipelines "NOOP\r\nPASV\r\n" and then resets the upload's data
 * connection. The broker defers the ABOR (FTB0242W "ABOR waits for the server's reply to the client's
 * PASV"), but any final reply clears the wait (DataTransfer.replied): the 200 answering the NOOP lets
 * the ABOR go although the PASV is still unanswered. pyftpdlib has by then taken the PASV (227, a new
 * passive port) and takes the ABOR as aborting it: the client, which never sent ABOR, gets "225 ABOR
 * command successful; data channel closed." and its next data connection is reset; the next STOR never
 * completes. Direct: 5 of 5 next uploads intact (226).
 *
 * <p>Real peers: /tmp/bk6/noop.py 46031 (r/n_1.out, n_2.out, n_4.out; broker.log C107, C110 "ABOR
 * was sent"); direct /tmp/bk6/dnoop.py (r/dn_*.out).
 */
class Fault24AborAfterAnotherReplyAbortsTheNextTransferTest {
    private static final DataPorts PORTS = new DataPorts() {
        private int next = 40000;

        @Override
        public int announce(int serverPort, Optional<String> hint) {
            return next++;
        }

        @Override
        public byte[] address() {
            return new byte[]{127, 0, 0, 1};
        }
    };

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String toServer(List<Effect> effects) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Effect e : effects) {
            if (e instanceof Effect.ToServer s) {
                out.writeBytes(s.bytes());
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static ControlSession loggedIn() {
        ControlSession s = ControlSession.loginFirst(PORTS, "ftp.example:21", "GW");
        s.start();
        s.fromClient(ascii("USER job1\r\n"));
        s.fromClient(ascii("PASS secret\r\n"));
        s.serverOpened();
        s.fromServer(ascii("220 greeting\r\n"));
        s.fromServer(ascii("331 pw\r\n"));
        s.fromServer(ascii("230 in\r\n"));
        return s;
    }

    @Test
    void theReplyToACommandBeforeThePasvDoesNotLetTheAborGo() {
        ControlSession s = loggedIn();
        s.fromClient(ascii("STOR f\r\n"));
        s.fromServer(ascii("150 go\r\n"));
        // pipelined by the client, then its data connection resets (storeBroken deferred)
        s.fromClient(ascii("NOOP\r\nPASV\r\n"));
        assertThat(s.canAbortStore(0)).isFalse();
        assertThat(s.abortWaits(0)).isTrue();
        // the NOOP is answered; the PASV is not yet
        s.fromServer(ascii("200 noop\r\n"));
        assertThat(s.canAbortStore(0))
                .as("the PASV is still unanswered: an ABOR now reaches the server behind it and may abort the next transfer")
                .isFalse();
        assertThat(toServer(s.storeBroken(0))).doesNotContain("ABOR");
    }
}

package org.ftb.regression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6, fault 5: clients send ABOR with TCP urgent data, and the broker reads its client socket
 * without SO_OOBINLINE, so the kernel takes the urgent byte out of the stream and the broker never
 * sees it. Python's ftplib {@code abort()} sends {@code ABOR\r\n} with MSG_OOB, which makes the last
 * byte, the LF, urgent: the line never ends and the client times out. BSD-style clients send Telnet
 * IP, then the Synch (IAC as urgent data, then DM), then ABOR: losing the urgent IAC turns
 * {@code IAC DM} into a stray 0xF2 in front of the verb. Either way the FTP server must receive ABOR
 * and the client must get the server's reply within a few seconds.
 */
@Timeout(30)
class Fault05UrgentAborTest {
    private static final Duration FEW_SECONDS = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void aborWithItsLineFeedAsUrgentDataAsPythonFtplibSendsIt() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.ftp.on("ABOR", "226 Abort successful");
            rig.broker("");
            try (FtpRig.Control c = rig.login()) {
                // ftplib: self.sock.sendall(b'ABOR' + B_CRLF, MSG_OOB): the urgent pointer marks the final LF.
                c.sendRaw("ABOR\r".getBytes(StandardCharsets.US_ASCII));
                c.socket.sendUrgentData('\n');
                assertAbortReachesTheServerAndTheReplyTheClient(rig, c);
            }
        }
    }

    @Test
    void telnetInterruptAndSynchWithTheIacAsUrgentDataBeforeAbor() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.ftp.on("ABOR", "226 Abort successful");
            rig.broker("");
            try (FtpRig.Control c = rig.login()) {
                // BSD ftp: IAC IP, then IAC sent with MSG_OOB (the Synch), then DM and the command.
                c.sendRaw(new byte[]{(byte) 0xFF, (byte) 0xF4});
                c.socket.sendUrgentData(0xFF);
                c.sendRaw(new byte[]{(byte) 0xF2, 'A', 'B', 'O', 'R', '\r', '\n'});
                assertAbortReachesTheServerAndTheReplyTheClient(rig, c);
            }
        }
    }

    private static void assertAbortReachesTheServerAndTheReplyTheClient(FtpRig rig, FtpRig.Control c) throws Exception {
        boolean arrived = rig.ftp.awaitCommand("ABOR", FEW_SECONDS);
        assertThat(arrived).as("the FTP server received ABOR (Telnet commands taken out); it received: %s",
                printable(rig.ftp.commands())).isTrue();
        assertThat(c.line(FEW_SECONDS)).as("the server's reply to ABOR").isEqualTo("226 Abort successful");
        c.send("NOOP");
        assertThat(c.line()).as("the session goes on").isEqualTo("200 ok");
    }

    private static String printable(java.util.List<String> lines) {
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(out.length() == 0 ? "" : ", ");
            for (char ch : line.toCharArray()) {
                out.append(ch >= 0x20 && ch < 0x7F ? String.valueOf(ch) : String.format("X'%02X'", (int) ch));
            }
        }
        return "[" + out + "]";
    }
}

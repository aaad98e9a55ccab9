package org.ftb.regression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by the breakit session: every 227 reply line the FTP server sends opens a new broker data
 * listener for 60 s, whether or not a PASV asked for it, with no limit per session. A hostile or
 * broken FTP server that answers one PASV with thousands of 227 lines makes the broker open thousands
 * of listening sockets (measured: 21000 lines took the broker to 13000+ descriptors, and a SOCKS
 * handshake of an unrelated client on the same broker waited 19 s). One PASV must give the client one
 * data port; the session's older announcements should go (as an FTP server's own PASV retires the
 * previous listener), and 227s nobody asked for must not open ports.
 */
@Timeout(60)
class Fault13PassiveReplyFloodTest {
    private static final int FLOOD = 200;
    private static final Pattern TUPLE = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)");

    @TempDir
    Path dir;

    @Test
    void onePasvOpensAtMostOneDataPortWhateverTheServerSends() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.ftp.on("PASV", (c, argument) -> {
                StringBuilder flood = new StringBuilder();
                for (int i = 0; i < FLOOD; i++) {
                    flood.append("227 Entering Passive Mode (").append(c.server().pasvTuple("127.0.0.1")).append(")\r\n");
                }
                c.send(flood.toString());
            });
            rig.broker("");
            try (FtpRig.Control c = rig.login()) {
                c.send("PASV");
                List<Integer> ports = new ArrayList<>();
                // The broker may pass the unasked-for 227s on, answer them, or drop them: read until it falls silent.
                for (int i = 0; i < FLOOD; i++) {
                    String line;
                    try {
                        line = c.line(Duration.ofSeconds(i == 0 ? 10 : 2));
                    } catch (AssertionError silence) {
                        break;
                    }
                    Matcher m = TUPLE.matcher(line);
                    if (m.find()) {
                        ports.add(Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6)));
                    }
                }
                assertThat(ports).as("the PASV itself got its data port").isNotEmpty();
                long listening = ports.stream().distinct().filter(Fault13PassiveReplyFloodTest::listening).count();
                assertThat(listening).as("broker data ports listening after one PASV answered by %d 227 lines", FLOOD)
                        .isLessThanOrEqualTo(1);
            }
        }
    }

    /** True when something listens on 127.0.0.1:port (a bind there fails); a bind does not claim the broker's port. */
    private static boolean listening(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}

package org.ftb.regression;

import org.ftb.testing.SocksClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7 finding 3, attacked: MAXPRELOGIN is meant to bound clients that never log in, yet a data
 * connection of a session that has logged in counts as "waiting to log in" from its accept until its
 * way to the server is open. Connections that send nothing at all then reset it (FTB0212W), and the
 * logged-in job's transfer fails. Seen with the defaults too: a 1,500-connection reconnect flood broke
 * 4 of 60 downloads of one curl session (FTPDATA audit records with result=PRELOGIN_LIMIT).
 * Here MAXPRELOGIN(2) and a data port whose accept queue is full hold the data connection while its
 * SSH channel opens; two idle connections arrive meanwhile.
 */
@Timeout(120)
class Fault28DataConnectionEvictedAsPreLoginTest {
    @TempDir
    Path dir;
    private FtpRig rig;
    private final List<Socket> held = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Socket s : held) {
            s.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void idleConnectionsDoNotResetALoggedInSessionsDataConnection() throws Exception {
        rig = FtpRig.start(dir);
        // The server's data port: a listener whose accept queue is full, so the SSH server's connect waits for a SYN retry.
        try (ServerSocket slow = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 4; i++) {
                Socket filler = new Socket();
                held.add(filler);
                try {
                    filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), slow.getLocalPort()), 300);
                } catch (java.io.IOException e) {
                    // the queue is full: what we want
                }
            }
            int p = slow.getLocalPort();
            rig.ftp.on("USER", "331 password please").on("PASS", "230 in").on("PASV", "227 Entering Passive Mode (127,0,0,1," + (p >> 8) + "," + (p & 0xFF) + ")");
            rig.brokerWith("BROKER MAXSESSIONS(100) MAXPRELOGIN(2)\n" + rig.sshHost("") + rig.ftpRule());
            try (FtpRig.Control c = rig.login()) {
                c.send("PASV");
                String reply = c.line();
                Matcher m = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)").matcher(reply);
                assertThat(m.find()).as(reply).isTrue();
                int port = Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
                // The job's data connection: SOCKS 5 to the announced port; its reply waits for the SSH channel.
                Socket data = SocksClient.open(rig.brokerPort());
                held.add(data);
                SocksClient.send(data, new byte[]{5, 1, 0});
                SocksClient.read(data, 2);
                SocksClient.send(data, org.ftb.testing.Bytes.v5Ipv4(1, SocksClient.loopback(), port));
                Thread.sleep(300); // the claim is checked and the channel is opening
                // Two connections that never send a byte.
                for (int i = 0; i < 2; i++) {
                    held.add(new Socket(InetAddress.getLoopbackAddress(), rig.brokerPort()));
                }
                Thread.sleep(1500);
                assertThat(rig.log.withId("FTB0212W")).as("connections reset to make room for idle ones").isEmpty();
                assertThat(rig.audit()).as("audit records").noneMatch(l -> l.contains("FTPDATA") && l.contains("PRELOGIN_LIMIT"));
            }
        }
    }
}

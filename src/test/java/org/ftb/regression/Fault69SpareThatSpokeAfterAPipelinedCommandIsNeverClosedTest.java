package org.ftb.regression;

import org.ftb.testing.LogCapture;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestSshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fault 69: a further connection to a silent FTP server that speaks after the client's command went on
 * the first one is never closed: the FTP server keeps it after the session has ended.
 *
 * <p>Attack: AUTH(KEY), CONNECTTIMEOUT(3). The FTP server never answers the first connection; at 1 s the
 * broker connects again (FTB0248W, connection 2 of 3). The client pipelines {@code USER} before any
 * greeting (AUTH(KEY) relays it at once, onto the silent first connection); then the server greets on
 * the second connection. The session ends with 421 at 3 s (FTB0234E).
 *
 * <p>Observed: the second connection is never closed by the broker: the FTP server still has it open 10 s
 * after the session ended. {@code ServerLeg.promote} takes the spare out of {@code standby} before it
 * checks {@code silent()}; when the attached way is no longer silent (the USER went on it) it returns
 * false, and {@code FtpSession.fromServer} drops the bytes and acknowledges them, so the spare's reader
 * goes on, but nothing closes the spare: not {@code letGo} (no longer in standby), not
 * {@code ServerLeg.close}/{@code drop} at the session's end. The channel and the FTP server's session
 * stay until the FTP server times out its idle connection.
 *
 * <p>Correct (configuration.md FTPTUNNEL item 5, messages.md FTB0248W "the others are closed"): every
 * connection the broker opened to the server is closed at once when it is not the session's, and at
 * the latest when the session ends.
 */
@Timeout(120)
class Fault69SpareThatSpokeAfterAPipelinedCommandIsNeverClosedTest {
    @TempDir
    Path dir;
    private LogCapture log;

    @BeforeEach
    void setUp() {
        log = new LogCapture();
    }

    @AfterEach
    void tearDown() {
        log.close();
    }

    @Test
    void theSpareIsClosedOnceTheSessionHasEnded() throws Exception {
        CountDownLatch greetOnSecond = new CountDownLatch(1);
        Path key = dir.resolve("id_rsa");
        KeyPair pair = TestSshServer.writeRsaKey(key);
        try (RawControlPort ftp = new RawControlPort(RawControlPort.silent(), RawControlPort.greetWhen(greetOnSecond));
             TestSshServer keyed = TestSshServer.start(dir, Map.of(), pair.getPublic(), true)) {
            Path knownHosts = dir.resolve("known_hosts_keyed");
            Files.writeString(knownHosts, keyed.knownHostsLine() + "\n");
            try (TestBroker broker = TestBroker.start("BROKER CONNECTTIMEOUT(3)\nSSHHOST NAME(K) HOST(127.0.0.1) PORT(" + keyed.port()
                    + ") KNOWNHOSTS('" + knownHosts + "') USER(svc) KEY('" + key + "')\n"
                    + "RULE NAME(FTPK) DEST(127.0.0.1) ACTION(FTPTUNNEL) VIA(K) AUTH(KEY)\n");
                 Socket client = RawControlPort.client(broker.port(), ftp.port())) {
                await("the broker connects again").atMost(Duration.ofSeconds(10)).until(() -> ftp.connections() == 2);
                Thread.sleep(300); // the spare's channel is open and read
                RawControlPort.send(client, "USER job1");
                await("the pipelined USER reached the first connection").atMost(Duration.ofSeconds(5))
                        .until(() -> ftp.conn(1).received().contains("USER job1"));
                greetOnSecond.countDown();
                assertThat(RawControlPort.readLine(client)).startsWith("421");
                assertThat(log.withId("FTB0248W")).singleElement().asString().contains("(connection 2 of 3)");
                assertThat(ftp.conn(1).ended(Duration.ofSeconds(10))).as("the first connection closed").isTrue();
                assertThat(ftp.conn(2).ended(Duration.ofSeconds(10)))
                        .as("the second connection, which greeted after the USER went on the first, closed once the session ended").isTrue();
            }
        }
    }
}

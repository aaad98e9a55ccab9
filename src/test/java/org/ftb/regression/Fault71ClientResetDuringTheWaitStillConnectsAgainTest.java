package org.ftb.regression;

import org.ftb.gateway.Gateway;
import org.ftb.testing.LogCapture;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fault 71: an AUTH(FTPLOGIN) client that resets while the broker waits for a silent FTP server is not
 * noticed: the broker goes on connecting again to the (overloaded) server for a client that has gone,
 * and keeps every connection until CONNECTTIMEOUT.
 *
 * <p>Attack: AUTH(FTPLOGIN) through the gateway, CONNECTTIMEOUT(9); the FTP server never speaks. The
 * client sends USER and PASS; once the broker has connected again (3 s, connection 2 of 3) the client
 * resets its control connection (SO_LINGER 0).
 *
 * <p>Observed: the session goes on: at 6 s FTB0248W "(connection 3 of 3)" and a third connection to the
 * server, at 9 s FTB0234E and the audit record says {@code result=SERVER_TIMEOUT}; the server's
 * connections are closed only then. In the LOGIN stage {@code ControlSession.holdsClient()} keeps the
 * client's chunk unacknowledged, so the client's socket is not read and its reset is not seen; nothing
 * else watches it.
 *
 * <p>Correct (configuration.md FTPTUNNEL item 5: when the session ends for any reason its channels are
 * closed at once; the brief of the feature: a client that resets while spares are pending has every
 * channel closed): the reset ends the session, no further connection is opened, and the server sees
 * every connection closed at once.
 */
@Timeout(120)
class Fault71ClientResetDuringTheWaitStillConnectsAgainTest {
    private static final String USER = "job1";
    private static final String PASSWORD = "silent-Pa55";
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
    void theResetEndsTheSessionAndItsConnections() throws Exception {
        try (RawControlPort ftp = new RawControlPort(RawControlPort.silent(), RawControlPort.silent(), RawControlPort.silent());
             Gateway gateway = TestGateway.start(dir, USER, PASSWORD)) {
            try (TestBroker broker = ftp.brokerVia(gateway, dir, 9)) {
                Socket client = RawControlPort.client(broker.port(), ftp.port());
                RawControlPort.sendLogin(client, USER, PASSWORD);
                await("the broker connects again").atMost(Duration.ofSeconds(10)).until(() -> ftp.connections() == 2);
                client.setSoLinger(true, 0);
                client.close();
                assertThat(ftp.conn(1).ended(Duration.ofSeconds(2))).as("the first connection closed within 2 s of the client's reset").isTrue();
                assertThat(ftp.conn(2).ended(Duration.ofSeconds(1))).as("the second connection closed by then too").isTrue();
                Thread.sleep(4000);
                assertThat(ftp.connections()).as("connections made to the server for a client that had gone").isEqualTo(2);
                assertThat(log.withId("FTB0200I")).singleElement().asString().doesNotContain("result=SERVER_TIMEOUT");
            }
        }
    }
}

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

/**
 * Fault 70: a silent first connection that the server's side ends without a byte ends the session with
 * 421, although the broker holds a further connection to the server that greets a moment later.
 *
 * <p>Attack: AUTH(FTPLOGIN) through the gateway, CONNECTTIMEOUT(3). The FTP server never speaks on the
 * first connection; at 1 s the broker connects again (FTB0248W, connection 2 of 3); at 1.6 s the first
 * connection is ended from the server's side with nothing sent either way (what a Linux server with
 * {@code net.ipv4.tcp_abort_on_overflow=1} does to a connection its full listen queue dropped: a reset,
 * which reaches the broker through SSH as the channel's end); the second connection greets at 2 s.
 *
 * <p>Observed: the client gets {@code 421 The FTP server closed the control connection during the login}
 * at 1.6 s (FTB0241W) and the second connection is closed: {@code FtpSession.serverEnded} treats the
 * attached way's end as the end of the dialogue whenever that way is the attached one, even while it
 * is {@code silent()} and spares are pending.
 *
 * <p>Correct (messages.md FTB0248W: "keeps the ones it has: the first whose server speaks is the
 * session's"): a connection that ended with nothing passed either way is one the server never took; it
 * is let go like a spare that ends, and the session goes on with the pending spare, which greets, so
 * the login succeeds (230).
 */
@Timeout(120)
class Fault70SilentConnectionThatEndsDiscardsTheSpareTest {
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
    void thePendingSpareCarriesTheSession() throws Exception {
        try (RawControlPort ftp = new RawControlPort(RawControlPort.closeAfter(Duration.ofMillis(1600)), RawControlPort.greetAfter(Duration.ofMillis(1000)));
             Gateway gateway = TestGateway.start(dir, USER, PASSWORD)) {
            try (TestBroker broker = ftp.brokerVia(gateway, dir, 3);
                 Socket client = RawControlPort.client(broker.port(), ftp.port())) {
                RawControlPort.sendLogin(client, USER, PASSWORD);
                String reply = RawControlPort.readLine(client);
                assertThat(ftp.connections()).as("the broker connected again before the first connection ended").isGreaterThanOrEqualTo(2);
                assertThat(reply).as("the login's reply; log: %s", log.lines()).startsWith("230");
            }
        }
    }
}

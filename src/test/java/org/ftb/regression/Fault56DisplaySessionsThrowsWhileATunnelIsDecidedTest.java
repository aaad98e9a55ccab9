package org.ftb.regression;

import org.ftb.console.CommandDispatcher;
import org.ftb.testing.Bytes;
import org.ftb.testing.EchoServer;
import org.ftb.testing.LogCapture;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestSshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attack (the operator looks while clients come and go): clients keep opening ACTION(TUNNEL) connections
 * while the operator repeats {@code DISPLAY SESSIONS}.
 *
 * <p>Observed: now and then DISPLAY SESSIONS throws a NullPointerException out of
 * CommandDispatcher.dispatch instead of answering. Connection.decide records the rules' decision
 * (ConnectionView.decided) and only then, in tunnelRule, the SSH host (ConnectionView.via, "-" until
 * then); a DISPLAY in between builds the TUNNEL details with {@code generation.sshUser("-")}, and the
 * generation has no SSH host "-". The dispatcher catches only CommandException, so the exception ends
 * the console's thread: StreamConsole catches only IOException, and standard input takes no command any
 * more for the rest of the broker's life.
 *
 * Plain DISPLAY (D) builds the same views for its status and fails the same way.
 *
 * <p>Correct behaviour: DISPLAY answers every time, whatever the sessions are doing meanwhile.
 */
@Timeout(120)
class Fault56DisplaySessionsThrowsWhileATunnelIsDecidedTest {
    private static final int CLIENTS = 4;
    private static final int DISPLAYS = 20_000;

    @TempDir
    Path dir;

    private final LogCapture log = new LogCapture();
    private TestSshServer ssh;
    private EchoServer echo;
    private TestBroker broker;

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (broker != null) {
                broker.close();
            }
            if (ssh != null) {
                ssh.close();
            }
            if (echo != null) {
                echo.close();
            }
        } finally {
            log.close();
        }
    }

    @Test
    void displaySessionsAnswersWhileTunnelsOpen() throws Exception {
        Path keyFile = dir.resolve("id_rsa");
        KeyPair key = TestSshServer.writeRsaKey(keyFile);
        ssh = TestSshServer.start(dir, Map.of(), key.getPublic(), true);
        echo = new EchoServer();
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
        broker = TestBroker.start("SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + ssh.port() + ") KNOWNHOSTS('" + knownHosts
                + "') USER(tunnel) KEY('" + keyFile + "')\n"
                + "RULE NAME(T) DEST(127.0.0.1) PORTS(" + echo.port() + ") ACTION(TUNNEL) VIA(GW)\n");
        CommandDispatcher console = CommandDispatcher.standard(broker.broker(), broker.broker().messages());

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger opened = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try (Socket s = SocksClient.open(broker.port())) {
                        SocksClient.v5(s, Bytes.v5Ipv4(1, SocksClient.loopback(), echo.port()));
                        opened.incrementAndGet();
                    } catch (IOException e) {
                        // counted by what DISPLAY does, not here
                    }
                }
            }, "tunnel-client-" + i);
            t.start();
            clients.add(t);
        }
        await().until(() -> opened.get() > 20);
        RuntimeException thrown = null;
        int shown = 0;
        try {
            while (shown < DISPLAYS && thrown == null) {
                try {
                    assertThat(console.dispatch("D SESSIONS", "console").get(0)).startsWith("FTB0340I");
                    shown++;
                } catch (RuntimeException e) {
                    thrown = e;
                }
            }
        } finally {
            running.set(false);
            for (Thread t : clients) {
                t.join();
            }
        }
        assertThat(thrown).as("DISPLAY SESSIONS number %d of %d, with %d tunnels opened meanwhile", shown + 1, DISPLAYS, opened.get())
                .isNull();
    }
}

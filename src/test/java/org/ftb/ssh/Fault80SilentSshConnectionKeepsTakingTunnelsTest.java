package org.ftb.ssh;

import org.ftb.config.SshHostSettings;
import org.ftb.testing.EchoServer;
import org.ftb.testing.TcpProxy;
import org.ftb.testing.TestSshServer;
import org.ftb.testing.TestTextFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault 80 (issue 11, found with the interop suite: an sshd session process stopped, then new FTP
 * sessions tried every 20 s): a pooled SSH connection that goes silent (a hung sshd, a route that
 * black-holes its packets, while the SSH server still takes new connections) kept taking every new
 * tunnel. Each one failed after twice CONNECTTIMEOUT, and so did every new session until the
 * keepalives, three of KEEPALIVE apart, gave the connection up: against OpenSSH with KEEPALIVE(30),
 * 100 s of failed sessions, while a new SSH connection would have worked at once. A connection that
 * answers neither a channel open nor a keepalive request sent halfway through is now retired: the
 * next tunnel goes on a new connection. (One that answers the keepalive stays in use:
 * {@link Fault10BoundedOpenTest#aChannelOpenThatIsNeverAnsweredFailsWithinTwiceTheConnectTimeout}.)
 */
@Timeout(60)
class Fault80SilentSshConnectionKeepsTakingTunnelsTest {
    @TempDir
    Path dir;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private SshHostSettings host;

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        timer.shutdownNow();
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        toClose.add(c);
        return c;
    }

    private SshTunnels tunnelsVia(TestSshServer server, TcpProxy proxy) throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, server.knownHostsLine().replace("[127.0.0.1]:" + server.port() + " ",
                "[127.0.0.1]:" + proxy.port() + " ") + "\n");
        host = new SshHostSettings("GW", Optional.of("127.0.0.1"), proxy.port(), knownHosts,
                SshHostSettings.HostKeyPolicy.STRICT, SshHostSettings.DEFAULT_CIPHERS, Duration.ZERO, Optional.empty(),
                Optional.empty(), Optional.empty(), 32, TestTextFiles.UTF8);
        return closeLater(new SshTunnels(List.of(host), Duration.ofSeconds(1), timer));
    }

    private CompletableFuture<TunnelStream> open(SshTunnels tunnels, int port) {
        return tunnels.open(host, Duration.ofSeconds(1), new Credentials.Password("u", "pw".toCharArray()), "127.0.0.1", port,
                "127.0.0.1", 1);
    }

    @Test
    void aConnectionThatAnswersNothingTakesNoMoreTunnels() throws Exception {
        TestSshServer server = closeLater(TestSshServer.start(dir, Map.of("u", "pw"), null, true));
        TcpProxy proxy = closeLater(TcpProxy.start(server.port()));
        EchoServer echo = closeLater(new EchoServer());
        SshTunnels tunnels = tunnelsVia(server, proxy);

        assertThat(open(tunnels, echo.port())).succeedsWithin(Duration.ofSeconds(10));
        assertThat(proxy.connections()).isEqualTo(1);

        // The SSH connection goes silent; the SSH server still takes new connections.
        assertThat(proxy.silenceAll()).isEqualTo(1);
        CompletableFuture<TunnelStream> onTheSilentOne = open(tunnels, echo.port());
        assertThat(onTheSilentOne).failsWithin(Duration.ofSeconds(10));
        try {
            onTheSilentOne.get(0, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(TunnelFailure.class)
                    .hasMessageContaining("did not open the tunnel to 127.0.0.1:" + echo.port() + " within 2 s");
        }

        long start = System.nanoTime();
        assertThat(open(tunnels, echo.port()))
                .as("the next tunnel, on a new SSH connection rather than the silent one")
                .succeedsWithin(Duration.ofSeconds(5));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
        assertThat(proxy.connections()).isEqualTo(2);
    }
}

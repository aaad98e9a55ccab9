package org.ftb.regression;

import org.ftb.app.Broker;
import org.ftb.config.ConfigLoader;
import org.ftb.config.ConfigReader;
import org.ftb.config.Symbols;
import org.ftb.console.CommandDispatcher;
import org.ftb.net.Resolver;
import org.ftb.testing.Bytes;
import org.ftb.testing.EchoServer;
import org.ftb.testing.LogCapture;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestSshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attack (RELOAD under load): clients keep opening ACTION(TUNNEL) connections to an echo server while the
 * operator RELOADs, five times, a configuration that adds one SSH host and moves the rule to it
 * (VIA(H1_0), then VIA(H2_0)...). No SSH host is ever removed or changed, so every session, old or
 * new, has its SSH host configured.
 *
 * <p>Observed: some connections accepted during a RELOAD fail (SOCKS reply 1, FTB0227E "tunnel to ... failed: no SSHHOST
 * H2_0"): Broker.reload puts the new generation in place (socks.reconfigure) before SshTunnels.update has
 * added the new SSH hosts, and update starts an SSH client for each new host before it replaces its map (a window of
 * milliseconds, hit by 20 or so connections here);
 * a connection accepted in between goes by the new rule to an SSH host the tunnels do not know yet.
 *
 * <p>Correct behaviour: a generation is put in place only once everything it names is ready: no client
 * fails because of a RELOAD that took nothing away.
 */
@Timeout(180)
class Fault55ReloadPutsRulesInPlaceBeforeTheirSshHostsTest {
    private static final int RELOADS = 5;
    private static final int HOSTS_PER_RELOAD = 1;
    private static final int CLIENTS = 4;

    @TempDir
    Path dir;

    private final LogCapture log = new LogCapture();
    private TestSshServer ssh;
    private EchoServer echo;
    private Broker broker;

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
    void noConnectionFailsWhileReloadAddsSshHosts() throws Exception {
        Path keyFile = dir.resolve("id_rsa");
        KeyPair key = TestSshServer.writeRsaKey(keyFile);
        ssh = TestSshServer.start(dir, Map.of(), key.getPublic(), true);
        echo = new EchoServer();
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
        int socksPort = ReloadRig.freePort();
        Path config = dir.resolve("ftbprm.txt");
        List<String> hosts = new ArrayList<>(List.of("H0_0"));
        Runnable write = () -> {
            StringBuilder text = new StringBuilder("SOCKS LISTEN(127.0.0.1:" + socksPort + ")\n");
            hosts.forEach(h -> text.append("SSHHOST NAME(").append(h).append(") HOST(127.0.0.1) PORT(").append(ssh.port())
                    .append(") KNOWNHOSTS('").append(knownHosts).append("') USER(tunnel) KEY('").append(keyFile).append("')\n"));
            text.append("RULE NAME(T) DEST(127.0.0.1) PORTS(").append(echo.port()).append(") ACTION(TUNNEL) VIA(")
                    .append(hosts.get(hosts.size() - HOSTS_PER_RELOAD < 0 ? 0 : hosts.size() - HOSTS_PER_RELOAD)).append(")\n");
            try {
                Files.writeString(config, text);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
        write.run();
        ConfigLoader loader = new ConfigLoader(new Symbols(Map.of(), name -> Optional.empty()), StandardCharsets.UTF_8);
        ConfigReader reader = () -> loader.load(config, null);
        broker = Broker.start(reader.read().config().orElseThrow(), reader, Resolver.system(), "test");
        CommandDispatcher console = CommandDispatcher.standard(broker, broker.messages());

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger succeeded = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try (Socket s = SocksClient.open(socksPort)) {
                        byte[] reply = SocksClient.v5(s, Bytes.v5Ipv4(1, SocksClient.loopback(), echo.port()));
                        if (reply[1] == 0) {
                            succeeded.incrementAndGet();
                        } else {
                            failures.add("SOCKS reply " + reply[1]);
                        }
                    } catch (IOException e) {
                        failures.add(String.valueOf(e));
                    }
                }
            }, "hammer-" + i);
            t.start();
            clients.add(t);
        }
        await().until(() -> succeeded.get() > 20);
        for (int r = 1; r <= RELOADS; r++) {
            for (int j = 0; j < HOSTS_PER_RELOAD; j++) {
                hosts.add("H" + r + "_" + j);
            }
            write.run();
            assertThat(console.dispatch("RELOAD", "console").get(0)).startsWith("FTB0304I");
            int before = succeeded.get();
            await().until(() -> succeeded.get() > before + 20);
        }
        running.set(false);
        for (Thread t : clients) {
            t.join();
        }
        assertThat(failures).as("connections that failed during a RELOAD that removed nothing; the broker said: %s",
                log.lines().stream().filter(l -> l.contains("SSHHOST")).limit(5).toList()).isEmpty();
    }
}

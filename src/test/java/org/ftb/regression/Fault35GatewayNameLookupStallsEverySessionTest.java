package org.ftb.regression;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Security finding (gateway, partners): Gateway.permitted() resolves a direct-tcpip host name with
 * InetAddress.getByName on MINA's I/O thread (the forwarding filter runs in the channel's doInit).
 * MINA has only a few I/O threads (processors + 1), so a partner that asks for tunnels to a handful of
 * names whose lookup is slow (any name under a domain whose servers do not answer) blocks them all
 * for the resolver's timeout: every other partner's key exchange, login and tunnels stop. With a
 * resolver that does not answer (3 s timeout), six such requests stall a second partner's login and
 * tunnel from about 0.1 s to many seconds; repeated, they keep the gateway frozen.
 *
 * The slow resolver needs root: the gateway runs as `ftb gateway` in its own mount namespace
 * (unshare -m) whose /etc/resolv.conf names a UDP port 53 on loopback that this test holds and never answers.
 */
@Timeout(120)
class Fault35GatewayNameLookupStallsEverySessionTest {
    @TempDir
    Path dir;

    @Test
    void slowNameLookupsOfOnePartnerDoNotStallAnotherPartnersLogin() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for unshare -m and port 53");
        Assumptions.assumeTrue(new File("/usr/bin/unshare").canExecute(), "needs unshare");
        DatagramSocket dns;
        try {
            dns = new DatagramSocket(new InetSocketAddress("127.0.0.1", 53)); // takes queries, never answers
        } catch (Exception e) {
            Assumptions.abort("UDP 127.0.0.1:53 is taken: " + e);
            return;
        }
        Path resolv = dir.resolve("resolv.conf");
        Files.writeString(resolv, "nameserver 127.0.0.1\noptions timeout:3 attempts:1\n");
        int free;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        Path config = dir.resolve("gateway.txt");
        Files.writeString(config, "GATEWAY LISTEN(127.0.0.1:" + free + ") HOSTKEY('" + dir.resolve("hostkey") + "') USERS('" + Rig.usersFile(dir)
                + "') PERMIT(127.0.0.1:1-65535)\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process gateway = new ProcessBuilder("/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                "mount --bind '" + resolv + "' /etc/resolv.conf && exec '" + java + "' -cp '" + System.getProperty("java.class.path")
                        + "' org.ftb.cli.Main gateway --config '" + config + "'").redirectErrorStream(true).start();
        try (dns; ServerSocket ftp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            BufferedReader out = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            String line;
            List<String> said = new ArrayList<>();
            Pattern listening = Pattern.compile("FTB0500I .* on 127\\.0\\.0\\.1:(\\d+);");
            while (port < 0 && (line = out.readLine()) != null) {
                said.add(line);
                Matcher m = listening.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            assertThat(port).as("gateway port; it said %s", said).isPositive();
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // keep the pipe empty
                    }
                } catch (Exception ignored) {
                    // the gateway ended
                }
            });
            drain.setDaemon(true);
            drain.start();
            SshClient client = SshClient.setUpDefaultClient();
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
            List<ClientSession> partner = new ArrayList<>();
            try {
                Duration before = loginAndTunnel(client, port, ftp.getLocalPort());
                // One partner: six tunnels to names whose lookup hangs, not waited for.
                for (int i = 0; i < 6; i++) {
                    ClientSession s = client.connect(Rig.USER, "127.0.0.1", port).verify(10_000).getSession();
                    s.addPasswordIdentity(Rig.PASSWORD);
                    s.auth().verify(30_000);
                    partner.add(s);
                }
                for (int i = 0; i < partner.size(); i++) {
                    partner.get(i).createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 1),
                            new SshdSocketAddress("slow" + i + "-" + System.nanoTime() + ".nowhere.test", 21)).open();
                }
                Thread.sleep(300);
                Duration during = loginAndTunnel(client, port, ftp.getLocalPort());
                assertThat(during).as("another partner's connect, login and tunnel while six name lookups hang (before: %s)", before)
                        .isLessThan(before.plusSeconds(2));
            } finally {
                partner.forEach(s -> s.close(true));
                client.stop();
            }
        } finally {
            gateway.destroy();
            gateway.waitFor();
        }
    }

    private static Duration loginAndTunnel(SshClient client, int port, int ftpPort) throws Exception {
        long start = System.nanoTime();
        try (ClientSession session = client.connect(Rig.USER, "127.0.0.1", port).verify(60_000).getSession()) {
            session.addPasswordIdentity(Rig.PASSWORD);
            session.auth().verify(60_000);
            ChannelDirectTcpip channel = session.createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 1),
                    new SshdSocketAddress("127.0.0.1", ftpPort));
            channel.open().verify(60_000);
            channel.close(true);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}

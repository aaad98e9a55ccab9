package org.ftb.net;

import org.ftb.testing.LogCapture;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestSshServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FTP bounce protection with a scripted, hostile FTP server: its 227 reply names a foreign address,
 * yet the data connection goes only to the control connection's server.
 */
@Timeout(60)
class FtpBounceTest {
    @TempDir
    Path dir;

    /** Answers the login, then a PASV whose address is 10.9.9.9 and whose port is its own data listener. */
    private static Thread hostileServer(ServerSocket control, ServerSocket data, byte[] payload) {
        return scriptedServer(control, data, payload, "220 hostile\r\n", "331 pw\r\n", "230 in\r\n");
    }

    /** A scripted FTP server: its greeting, and its answers to USER and PASS, are the test's. */
    private static Thread scriptedServer(ServerSocket control, ServerSocket data, byte[] payload, String greeting, String userReply,
                                         String passReply) {
        Thread t = new Thread(() -> {
            try (Socket s = control.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream();
                out.write(greeting.getBytes(StandardCharsets.US_ASCII));
                String line;
                while ((line = in.readLine()) != null) {
                    String verb = line.split(" ")[0].toUpperCase();
                    String reply = switch (verb) {
                        case "USER" -> userReply;
                        case "PASS" -> passReply;
                        case "ACCT" -> "230 account accepted\r\n";
                        case "PASV" -> "227 Entering Passive Mode (10,9,9,9," + (data.getLocalPort() >> 8) + "," + (data.getLocalPort() & 255) + ")\r\n";
                        case "RETR" -> "150 here\r\n";
                        default -> "200 ok\r\n";
                    };
                    out.write(reply.getBytes(StandardCharsets.US_ASCII));
                    if (verb.equals("RETR")) {
                        try (Socket d = data.accept()) {
                            d.getOutputStream().write(payload);
                        }
                        out.write("226 done\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    if (verb.equals("QUIT")) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the test ends the conversation
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void dataGoesOnlyToTheControlConnectionsServerWhateverThePasvAddress() throws Exception {
        byte[] payload = "data from the control server\n".getBytes(StandardCharsets.US_ASCII);
        try (LogCapture log = new LogCapture();
             ServerSocket control = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ServerSocket data = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             TestSshServer ssh = TestSshServer.start(dir, Map.of("u", "p"), null, true)) {
            hostileServer(control, data, payload);
            Path knownHosts = dir.resolve("known_hosts");
            Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
            try (TestBroker broker = TestBroker.start("SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + ssh.port() + ") KNOWNHOSTS('" + knownHosts
                    + "')\nRULE NAME(F) DEST(127.0.0.1) PORTS(" + control.getLocalPort() + ") ACTION(FTPTUNNEL) VIA(GW)\n");
                 Socket c = SocksClient.open(broker.port())) {
                assertThat(SocksClient.v5(c, org.ftb.testing.Bytes.v5Ipv4(1, SocksClient.loopback(), control.getLocalPort()))).startsWith(5, 0);
                BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = c.getOutputStream();
                assertThat(in.readLine()).startsWith("220 FTP Tunnel Broker");
                out.write("USER u\r\nPASS p\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(in.readLine()).startsWith("331");
                assertThat(in.readLine()).isEqualTo("230 in");
                out.write("PASV\r\n".getBytes(StandardCharsets.US_ASCII));
                String pasv = in.readLine();
                assertThat(pasv).startsWith("227 Entering Passive Mode (127,0,0,1,").doesNotContain("10,9,9,9");
                String[] n = pasv.substring(pasv.indexOf('(') + 1, pasv.indexOf(')')).split(",");
                int port = Integer.parseInt(n[4]) * 256 + Integer.parseInt(n[5]);
                // A client that trusts the 227 address it once saw asks for 10.9.9.9 through SOCKS:
                // the broker still takes the data from the control connection's server.
                try (Socket d = SocksClient.open(broker.port())) {
                    assertThat(SocksClient.v5(d, org.ftb.testing.Bytes.v5Ipv4(1, new int[]{10, 9, 9, 9}, port))).startsWith(5, 0);
                    out.write("RETR x\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertThat(in.readLine()).startsWith("150");
                    assertThat(SocksClient.readAll(d)).isEqualTo(payload);
                }
                assertThat(in.readLine()).startsWith("226");
            }
            assertThat(log.lines()).noneMatch(l -> l.contains("10.9.9.9") && l.contains("cannot connect"));
        }
    }

    @Test
    void aMultiLineGreetingAndAUserAnsweredWith230() throws Exception {
        login("220-Welcome\r\n220-to the\r\n220 scripted server\r\n", "230 no password needed\r\n", "500 unused\r\n",
                "230 no password needed");
    }

    @Test
    void anAccountAskedForAfterThePassword() throws Exception {
        login("220 ready\r\n", "331 password please\r\n", "332 account please\r\n", "332 account please");
    }

    private void login(String greeting, String userReply, String passReply, String expected) throws Exception {
        try (ServerSocket control = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ServerSocket data = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             TestSshServer ssh = TestSshServer.start(dir, Map.of("u", "p"), null, true)) {
            scriptedServer(control, data, new byte[0], greeting, userReply, passReply);
            Path knownHosts = dir.resolve("known_hosts");
            Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
            try (TestBroker broker = TestBroker.start("SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + ssh.port() + ") KNOWNHOSTS('" + knownHosts
                    + "')\nRULE NAME(F) DEST(127.0.0.1) ACTION(FTPTUNNEL) VIA(GW)\n");
                 Socket c = SocksClient.open(broker.port())) {
                assertThat(SocksClient.v5(c, org.ftb.testing.Bytes.v5Ipv4(1, SocksClient.loopback(), control.getLocalPort()))).startsWith(5, 0);
                BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = c.getOutputStream();
                assertThat(in.readLine()).startsWith("220 FTP Tunnel Broker");
                out.write("USER u\r\nPASS p\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(in.readLine()).startsWith("331");
                assertThat(in.readLine()).isEqualTo(expected);
                if (expected.startsWith("332")) {
                    out.write("ACCT dept42\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertThat(in.readLine()).isEqualTo("230 account accepted");
                }
                out.write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(in.readLine()).isEqualTo("200 ok");
            }
        }
    }
}

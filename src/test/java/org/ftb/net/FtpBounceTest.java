package org.ftb.net;

import org.ftb.testing.LogCapture;
import org.ftb.testing.ScriptedFtpServer;
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
    private static ScriptedFtpServer hostileServer(byte[] payload) throws IOException {
        ScriptedFtpServer server = ScriptedFtpServer.start().greeting("220 hostile").on("USER", "331 pw").on("PASS", "230 in");
        return server.on("PASV", (c, argument) -> c.reply("227 Entering Passive Mode (" + c.server().pasvTuple("10.9.9.9") + ")"))
                .on("RETR", (c, argument) -> {
                    c.reply("150 here");
                    c.serveData(payload);
                    c.reply("226 done");
                });
    }

    @Test
    void dataGoesOnlyToTheControlConnectionsServerWhateverThePasvAddress() throws Exception {
        byte[] payload = "data from the control server\n".getBytes(StandardCharsets.US_ASCII);
        try (LogCapture log = new LogCapture();
             ScriptedFtpServer control = hostileServer(payload);
             TestSshServer ssh = TestSshServer.start(dir, Map.of("u", "p"), null, true)) {
            Path knownHosts = dir.resolve("known_hosts");
            Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
            try (TestBroker broker = TestBroker.start("SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + ssh.port() + ") KNOWNHOSTS('" + knownHosts
                    + "')\nRULE NAME(F) DEST(127.0.0.1) PORTS(" + control.port() + ") ACTION(FTPTUNNEL) VIA(GW)\n");
                 Socket c = SocksClient.open(broker.port())) {
                assertThat(SocksClient.v5(c, org.ftb.testing.Bytes.v5Ipv4(1, SocksClient.loopback(), control.port()))).startsWith(5, 0);
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
        try (ScriptedFtpServer control = ScriptedFtpServer.start().greeting(greeting).on("USER", userReply).on("PASS", passReply)
                .on("ACCT", "230 account accepted");
             TestSshServer ssh = TestSshServer.start(dir, Map.of("u", "p"), null, true)) {
            Path knownHosts = dir.resolve("known_hosts");
            Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
            try (TestBroker broker = TestBroker.start("SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + ssh.port() + ") KNOWNHOSTS('" + knownHosts
                    + "')\nRULE NAME(F) DEST(127.0.0.1) ACTION(FTPTUNNEL) VIA(GW)\n");
                 Socket c = SocksClient.open(broker.port())) {
                assertThat(SocksClient.v5(c, org.ftb.testing.Bytes.v5Ipv4(1, SocksClient.loopback(), control.port()))).startsWith(5, 0);
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

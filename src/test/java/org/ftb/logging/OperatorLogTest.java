package org.ftb.logging;

import org.apache.commons.net.ftp.FTPClient;
import org.ftb.config.LogLevel;
import org.ftb.config.LogSettings;
import org.ftb.testing.AppliedLog;
import org.ftb.testing.Bytes;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestFtpServer;
import org.ftb.testing.TestSshServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6: the operator log holds the broker's own messages only, each with its ID, even when the SSH
 * and FTP libraries have something to say (refused logins and host keys make MINA SSHD log).
 */
@Timeout(120)
class OperatorLogTest {
    @TempDir
    Path dir;

    @Test
    void issue6TunnelLoginFailuresLeaveOnlyFtbMessagesInTheOperatorLog() throws Exception {
        Path logFile = dir.resolve("ftb.log");
        try (AppliedLog applied = AppliedLog.apply(new LogSettings(LogLevel.DEBUG, Optional.of(logFile), StandardCharsets.UTF_8, true, LogSettings.Rolling.DEFAULTS))) {
            Path home = Files.createDirectories(dir.resolve("home"));
            Path key = dir.resolve("id_rsa");
            TestSshServer.writeRsaKey(key);
            java.security.PublicKey otherKey = TestSshServer.writeRsaKey(dir.resolve("other_rsa")).getPublic();
            try (TestFtpServer ftp = TestFtpServer.start(home, "job1", "ftp-Pw-1");
                 TestSshServer ssh = TestSshServer.start(dir, Map.of("job1", "ftp-Pw-1"), otherKey, true)) {
                Path knownHosts = dir.resolve("known_hosts");
                Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
                Files.writeString(dir.resolve("empty_known_hosts"), "");
                try (TestBroker broker = TestBroker.start("SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + ssh.port() + ") KNOWNHOSTS('"
                        + knownHosts + "') USER(svc) KEY('" + key + "')\n"
                        + "SSHHOST NAME(NEW) HOST(127.0.0.1) PORT(" + ssh.port() + ") KNOWNHOSTS('" + dir.resolve("empty_known_hosts")
                        + "')\n"
                        + "RULE NAME(F) DEST(127.0.0.1) PORTS(" + ftp.port() + ") ACTION(FTPTUNNEL) VIA(GW)\n"
                        + "RULE NAME(K) DEST(127.0.0.1) PORTS(1) ACTION(TUNNEL) VIA(GW)\n"
                        + "RULE NAME(H) DEST(127.0.0.1) PORTS(2) ACTION(FTPTUNNEL) VIA(NEW)\n")) {
                    FTPClient client = new FTPClient();
                    client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", broker.port())));
                    client.connect("127.0.0.1", ftp.port());
                    try {
                        assertThat(client.login("job1", "not-the-password")).isFalse();
                    } finally {
                        client.disconnect();
                    }
                    for (int port : List.of(1, 2)) {
                        try (Socket s = SocksClient.open(broker.port())) {
                            SocksClient.v5(s, Bytes.v5Ipv4(1, SocksClient.loopback(), port));
                            if (port == 2) {
                                s.getOutputStream().write("USER job1\r\nPASS ftp-Pw-1\r\n".getBytes(StandardCharsets.US_ASCII));
                                s.getInputStream().readAllBytes();
                            }
                        }
                    }
                }
            }
            org.slf4j.Logger library = LoggerFactory.getLogger("org.apache.sshd.common.Example");
            library.info("chatter that is not for operators");
            library.warn("a warning\nover two lines", new java.io.IOException("cut", new IllegalStateException("inner")));
        }
        List<String> lines = Files.readAllLines(logFile);
        assertThat(lines).as("the failures were logged").anyMatch(l -> l.contains("FTB0233W"))
                .anyMatch(l -> l.contains("FTB0223E")).anyMatch(l -> l.contains("FTB0222E") || l.contains("FTB0234E"));
        assertThat(lines).noneMatch(l -> l.contains("chatter")).anyMatch(l -> l.endsWith(
                " FTB0011W Library org.apache.sshd.common.Example warns: a warningX'0A'over two lines (java.io.IOException: cut;"
                        + " caused by java.lang.IllegalStateException: inner)"));
        assertThat(lines).allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} FTB\\d{4}[IWEA] .*"));
    }

    /**
     * Issue 7 finding 2: a library logs what a client sent (MINA SSHD names users and channels), and so
     * may anything logging to a broker logger: every event is one record, even in EBCDIC, where Java's
     * IBM-1047 writes the line end as NL (X'15') and U+0085 as LF (X'25'), and no control character
     * reaches the log.
     */
    @Test
    void issue7EveryEventIsOneRecordOfPrintableTextInEbcdic() throws Exception {
        Charset ebcdic = Charset.forName("IBM1047");
        Path logFile = dir.resolve("ftb.log");
        String hostile = "user a\r\n2024-01-01 00:00:00.000 FTB0230I forged\u0085b\u001b[2J\0c\u2028d\u009be Jörg";
        try (AppliedLog applied = AppliedLog.apply(new LogSettings(LogLevel.INFO, Optional.of(logFile), ebcdic, true, LogSettings.Rolling.DEFAULTS))) {
            LoggerFactory.getLogger("org.apache.sshd.server.Example").warn("Invalid {}", hostile);
            LoggerFactory.getLogger(LogSetup.BROKER_LOGGER).info("FTB0200I {}", hostile);
        }
        byte[] bytes = Files.readAllBytes(logFile);
        assertThat(bytes).as("EBCDIC LF").doesNotContain((byte) 0x25);
        String text = new String(bytes, ebcdic);
        assertThat(text.chars().filter(c -> c == '\n')).as("one line end per event").hasSize(2);
        String shown = "user aX'0D'X'0A'2024-01-01 00:00:00.000 FTB0230I forgedX'85'bX'1B'[2JX'00'cX'2028'dX'9B'e Jörg";
        assertThat(text.split("\n")).hasSize(2).satisfiesExactly(
                l -> assertThat(l).endsWith(" FTB0011W Library org.apache.sshd.server.Example warns: Invalid " + shown),
                l -> assertThat(l).endsWith(" FTB0200I " + shown));
    }
}

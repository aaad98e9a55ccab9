package org.ftb.net;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import org.apache.commons.net.ftp.FTPClient;
import org.ftb.config.LogLevel;
import org.ftb.config.LogSettings;
import org.ftb.logging.LogSetup;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestFtpServer;
import org.ftb.testing.TestSshServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full run with the broker's log at TRACE, the most it ever writes, into a file: FTP logins that
 * succeed and fail, and a key with a passphrase. Not one log line may hold a password or passphrase.
 */
@Timeout(120)
class LogSecrecyTest {
    private static final String PASSWORD = "Sup3r-Secret-FTP";
    private static final String WRONG = "Wr0ng-Guess-FTP";

    @TempDir
    Path dir;

    @Test
    void noSecretReachesAnyLogLineAtAnyLevel() throws Exception {
        Path logFile = dir.resolve("ftb.log");
        LogSetup.apply(new LogSettings(LogLevel.TRACE, Optional.of(logFile), StandardCharsets.UTF_8, true), StandardCharsets.UTF_8);
        try {
            Path home = Files.createDirectories(dir.resolve("home"));
            try (TestFtpServer ftp = TestFtpServer.start(home, "job1", PASSWORD);
                 TestSshServer ssh = TestSshServer.start(dir, Map.of("job1", PASSWORD), null, true)) {
                Path knownHosts = dir.resolve("known_hosts");
                Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
                try (TestBroker broker = TestBroker.start("SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + ssh.port() + ") KNOWNHOSTS('"
                        + knownHosts + "')\nRULE NAME(F) DEST(127.0.0.1) ACTION(FTPTUNNEL) VIA(GW)\nLOG LEVEL(TRACE)\n")) {
                    FTPClient client = new FTPClient();
                    client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", broker.port())));
                    client.connect("127.0.0.1", ftp.port());
                    try {
                        assertThat(client.login("job1", WRONG)).isFalse();
                        assertThat(client.login("job1", PASSWORD)).isTrue();
                        client.enterLocalPassiveMode();
                        assertThat(client.listNames()).isNotNull();
                    } finally {
                        client.disconnect();
                    }
                }
            }
        } finally {
            LogSetup.shutdown();
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            context.reset();
            new ContextInitializer(context).autoConfig();
        }
        String log = Files.readString(logFile);
        assertThat(log).as("the run was logged in detail").contains("FTB0230I", "FTB0233W", "FTB0200I");
        assertThat(log).doesNotContain(PASSWORD).doesNotContain(WRONG);
    }
}

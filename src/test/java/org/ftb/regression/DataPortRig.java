package org.ftb.regression;

import org.ftb.gateway.Gateway;
import org.ftb.testing.LogCapture;
import org.ftb.testing.OtherUser;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestFtpServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real parts of a data-port theft test: Apache FtpServer holding the victim's file
 * {@code victim.bin}, {@code ftb gateway}, and a broker whose FTPTUNNEL rule carries the FTP server
 * through it; the log captured from the start; and another local user (uid 65534) to attack with.
 */
final class DataPortRig implements AutoCloseable {
    /** The uid and gid of "nobody" on Debian: another local user than the test's. */
    static final String OTHER_USER = OtherUser.UID;

    final LogCapture log = new LogCapture();
    final byte[] content;
    final Path home;
    final TestFtpServer ftp;
    final TestBroker broker;
    private final Gateway gateway;

    /**
     * @param before statements before the FTPTUNNEL rule (SOCKS, BROKER, ...) or ""
     * @param after  rules after it or ""
     */
    DataPortRig(Path dir, int fileBytes, String before, String after) throws Exception {
        content = new byte[fileBytes];
        new Random(fileBytes).nextBytes(content);
        home = Files.createDirectories(dir.resolve("home"));
        Files.write(home.resolve("victim.bin"), content);
        ftp = TestFtpServer.start(home, Rig.USER, Rig.PASSWORD);
        gateway = Rig.gateway(dir);
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, gateway.knownHostsLine() + "\n");
        broker = TestBroker.start(before + "\n"
                + "SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + gateway.port() + ") KNOWNHOSTS('" + knownHosts + "')\n"
                + "RULE NAME(FTP) DEST(127.0.0.1) PORTS(" + ftp.port() + ") ACTION(FTPTUNNEL) VIA(GW)\n" + after);
    }

    /** Logged in through the broker as {@link Rig#USER}, binary; returns the data port of the broker's 227. */
    static int loginAndPasv(FtpRig.Control victim) throws IOException {
        assertThat(victim.line()).startsWith("220 ");
        victim.send("USER " + Rig.USER);
        assertThat(victim.line()).startsWith("331");
        victim.send("PASS " + Rig.PASSWORD);
        assertThat(victim.line()).startsWith("230");
        victim.send("TYPE I");
        assertThat(victim.line()).startsWith("200");
        victim.send("PASV");
        return pasvPort(victim.line());
    }

    /** The port of a 227 reply. */
    static int pasvPort(String reply227) {
        Matcher m = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)").matcher(reply227);
        assertThat(m.find()).as(reply227).isTrue();
        return Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
    }

    /** True when this test may act as {@link #OTHER_USER}: it runs as root and has setpriv. */
    static boolean canActAsOtherUser() {
        return OtherUser.available();
    }

    /** Runs {@code command} as {@link #OTHER_USER}; returns what it wrote to its standard output. */
    static byte[] asOtherUser(String... command) throws Exception {
        return OtherUser.run(command);
    }

    @Override
    public void close() throws Exception {
        try {
            broker.close();
            gateway.close();
            ftp.close();
        } finally {
            log.close();
        }
    }
}

package org.ftb.interop;

import org.ftb.cli.Main;
import org.ftb.testing.EchoServer;
import org.ftb.testing.LogCapture;
import org.ftb.testing.OpenSshd;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestPlatform;
import org.ftb.testing.TestSshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9 acceptance 6: {@code ftb trust} against OpenSSH's sshd writes entries that a
 * HOSTKEYS(STRICT) SSHHOST then accepts, and a changed key is refused without {@code --replace}.
 * Needs what {@link OpenSshd} needs.
 */
@Timeout(180)
class TrustOpenSshTest {
    /** sshd's host key types (ssh-keygen -t) and their names in known_hosts, in the order ftb trust shows them. */
    private static final Map<String, String> TYPES = Map.of("ed25519", "ssh-ed25519", "ecdsa", "ecdsa-sha2-nistp256", "rsa", "ssh-rsa");
    private static final List<String> ORDER = List.of("ed25519", "ecdsa", "rsa");

    @TempDir
    Path dir;
    private OpenSshd sshd;
    private EchoServer echo;
    private LogCapture log;
    private Path keyFile;
    private Path knownHosts;
    private Path config;

    private record Run(int rc, String out) {
    }

    @BeforeEach
    void setUp() throws Exception {
        OpenSshd.assumeAvailable();
        keyFile = dir.resolve("id_rsa");
        sshd = OpenSshd.start(dir, TestSshServer.writeRsaKey(keyFile).getPublic(), ORDER.toArray(String[]::new));
        echo = new EchoServer();
        log = new LogCapture();
        knownHosts = dir.resolve("known_hosts");
        config = dir.resolve("ftbprm.txt");
        Files.writeString(config, "SSHHOST NAME(PARTNER) HOST(127.0.0.1) PORT(" + sshd.port() + ") KNOWNHOSTS('" + knownHosts + "')"
                + " HOSTKEYS(STRICT) USER(" + OpenSshd.USER + ") KEY('" + keyFile + "')\n"
                + "RULE NAME(T) DEST(127.0.0.1) ACTION(TUNNEL) VIA(PARTNER)\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (log != null) {
            log.close();
        }
        if (echo != null) {
            echo.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        int rc = Main.commandLine(TestPlatform.utf8()).setOut(new PrintWriter(out)).setErr(new PrintWriter(out)).execute(args);
        return new Run(rc, out.toString());
    }

    /** A tunnel through OpenSSH by the configuration's STRICT SSHHOST: true when bytes echo back. */
    private boolean strictTunnel() throws Exception {
        try (TestBroker broker = TestBroker.start(Files.readString(config))) {
            return SocksClient.echoes(broker.port(), echo.port(), 100_000);
        }
    }

    private List<String> entries() throws Exception {
        List<String> lines = new ArrayList<>();
        for (String type : ORDER) {
            lines.add("[127.0.0.1]:" + sshd.port() + " " + sshd.publicKey(type));
        }
        return lines;
    }

    /** What OpenSSH's own tool finds for the server in the file: one line per key. */
    private List<String> sshKeygenFinds() throws Exception {
        Process p = new ProcessBuilder("ssh-keygen", "-F", "[127.0.0.1]:" + sshd.port(), "-f", knownHosts.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().filter(l -> !l.startsWith("#")).toList();
    }

    @Test
    void trustedKeysLetAStrictSshHostTunnelAndAChangedKeyNeedsReplace() throws Exception {
        assertThat(strictTunnel()).as("nothing trusted yet").isFalse();

        Run trust = run("trust", "--config", config.toString(), "PARTNER", "--yes");
        assertThat(trust.rc()).as(trust.out()).isZero();
        for (String type : ORDER) {
            assertThat(trust.out()).contains("FTB0601I " + String.format("%-19s", TYPES.get(type)) + " " + sshd.fingerprint(type) + " NEW");
        }
        assertThat(Files.readAllLines(knownHosts)).containsExactlyElementsOf(entries());
        assertThat(sshKeygenFinds()).hasSize(3);
        assertThat(strictTunnel()).isTrue();

        List<String> oldFingerprints = new ArrayList<>();
        for (String type : ORDER) {
            oldFingerprints.add(sshd.fingerprint(type));
        }
        byte[] trusted = Files.readAllBytes(knownHosts);
        sshd.newHostKeys();
        assertThat(strictTunnel()).as("the broker refuses the new key").isFalse();
        assertThat(log.withId("FTB0222E")).anySatisfy(m -> assertThat(m).contains("its host key CHANGED"));

        Run refused = run("trust", "--config", config.toString(), "PARTNER", "--yes");
        assertThat(refused.rc()).as(refused.out()).isEqualTo(8);
        for (int i = 0; i < ORDER.size(); i++) {
            String type = ORDER.get(i);
            assertThat(refused.out()).contains(
                    "FTB0601I " + String.format("%-19s", TYPES.get(type)) + " " + sshd.fingerprint(type) + " CHANGED",
                    "FTB0604E The " + TYPES.get(type) + " key of [127.0.0.1]:" + sshd.port() + " CHANGED: " + knownHosts + " holds "
                            + oldFingerprints.get(i) + ", the server offers " + sshd.fingerprint(type) + "; nothing was written");
        }
        assertThat(Files.readAllBytes(knownHosts)).isEqualTo(trusted);

        Run replaced = run("trust", "--config", config.toString(), "PARTNER", "--yes", "--replace");
        assertThat(replaced.rc()).as(replaced.out()).isZero();
        assertThat(replaced.out()).contains("FTB0602I 3 key(s) for [127.0.0.1]:" + sshd.port() + " written to " + knownHosts
                + "; 3 old line(s) replaced");
        assertThat(Files.readAllLines(knownHosts)).containsExactlyElementsOf(entries());
        assertThat(strictTunnel()).isTrue();
    }

    /** A file hashed by ssh-keygen -H gets hashed entries, which OpenSSH and the broker both find. */
    @Test
    void aFileHashedBySshKeygenGetsHashedEntriesOpenSshFinds() throws Exception {
        Files.writeString(knownHosts, "other.example " + sshd.publicKey("ed25519") + "\n");
        Process hash = new ProcessBuilder("ssh-keygen", "-H", "-f", knownHosts.toString()).redirectErrorStream(true).start();
        hash.getInputStream().readAllBytes();
        assertThat(hash.waitFor()).isZero();
        assertThat(Files.readString(knownHosts)).startsWith("|1|");

        Run trust = run("trust", "127.0.0.1:" + sshd.port(), "--known-hosts", knownHosts.toString(), "--yes");
        assertThat(trust.rc()).as(trust.out()).isZero();
        assertThat(trust.out()).contains("written to " + knownHosts + ", hashed");
        assertThat(Files.readString(knownHosts)).doesNotContain("127.0.0.1", "other.example");
        assertThat(sshKeygenFinds()).hasSize(3).allMatch(l -> l.startsWith("|1|"));
        assertThat(strictTunnel()).isTrue();
    }
}

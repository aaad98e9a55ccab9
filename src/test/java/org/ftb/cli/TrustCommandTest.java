package org.ftb.cli;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.ftb.platform.CodePages;
import org.ftb.platform.Platform;
import org.ftb.testing.EchoServer;
import org.ftb.testing.LogCapture;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestPlatform;
import org.ftb.testing.TestSshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ftb trust} against the embedded MINA SSH server: every key shown and written so that a
 * HOSTKEYS(STRICT) SSHHOST then tunnels, hashed files, changed and revoked keys, confirmation, the
 * SSHHOST form, unreachable servers and the file's code page. TrustOpenSshTest does it against OpenSSH.
 */
@Timeout(120)
class TrustCommandTest {
    private static final List<String> TYPES = List.of("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp521", "ssh-rsa");

    @TempDir
    Path dir;
    private Path knownHosts;
    private Path keyFile;
    private KeyPair clientKey;
    private EchoServer echo;

    private record Run(int rc, String out) {
    }

    @BeforeEach
    void setUp() throws Exception {
        knownHosts = dir.resolve("known_hosts");
        keyFile = dir.resolve("id_rsa");
        clientKey = TestSshServer.writeRsaKey(keyFile);
        echo = new EchoServer();
    }

    @AfterEach
    void tearDown() throws Exception {
        echo.close();
    }

    private static Run run(Platform platform, String... args) {
        StringWriter out = new StringWriter();
        int rc = Main.commandLine(platform).setOut(new PrintWriter(out)).setErr(new PrintWriter(out)).execute(args);
        return new Run(rc, out.toString());
    }

    private static Run run(String... args) {
        return run(TestPlatform.utf8(), args);
    }

    private static List<KeyPair> hostKeys(List<String> types) throws Exception {
        List<KeyPair> keys = new java.util.ArrayList<>();
        for (String type : types) {
            keys.add(TestSshServer.newHostKey(type));
        }
        return keys;
    }

    private TestSshServer server(List<KeyPair> hostKeys) throws IOException {
        return TestSshServer.start(hostKeys, Map.of(), clientKey.getPublic(), true);
    }

    /** {@code SHA256:} and the unpadded base64 of the SHA-256 of the key's wire form, as ssh-keygen -l shows it. */
    private static String fingerprint(PublicKey key) throws Exception {
        byte[] blob = Base64.getDecoder().decode(PublicKeyEntry.toString(key).split(" ")[1]);
        return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(blob));
    }

    private static String line(String type, PublicKey key, String status) throws Exception {
        return "FTB0601I " + String.format("%-19s", type) + " " + fingerprint(key) + " " + status;
    }

    /** A tunnel through a broker whose SSHHOST has HOSTKEYS(STRICT) and KNOWNHOSTS {@code file}: true when bytes echo back. */
    private boolean strictTunnel(Path file, int sshPort) throws Exception {
        String config = "SSHHOST NAME(PARTNER) HOST(127.0.0.1) PORT(" + sshPort + ") KNOWNHOSTS('" + file + "') HOSTKEYS(STRICT)"
                + " USER(tunnel) KEY('" + keyFile + "')\n"
                + "RULE NAME(T) DEST(127.0.0.1) ACTION(TUNNEL) VIA(PARTNER)\n";
        try (TestBroker broker = TestBroker.start(config)) {
            return SocksClient.echoes(broker.port(), echo.port(), 10_000);
        }
    }

    @Test
    void everyKeyIsShownThenWrittenOwnerOnlyAndAStrictSshHostTunnels() throws Exception {
        List<KeyPair> keys = hostKeys(TYPES);
        TestPlatform platform = TestPlatform.utf8();
        try (TestSshServer ssh = server(keys)) {
            String where = "[127.0.0.1]:" + ssh.port();
            assertThat(strictTunnel(knownHosts, ssh.port())).as("no entry yet").isFalse();
            Run run = run(platform, "trust", "127.0.0.1:" + ssh.port(), "--known-hosts", knownHosts.toString(), "--yes");
            assertThat(run.rc()).as(run.out()).isZero();
            assertThat(run.out()).contains("FTB0600I SSH server " + where + " at 127.0.0.1 has 4 host key(s)",
                    "FTB0602I 4 key(s) for " + where + " written to " + knownHosts);
            for (int i = 0; i < keys.size(); i++) {
                assertThat(run.out()).contains(line(TYPES.get(i), keys.get(i).getPublic(), "NEW"));
            }
            List<String> expected = new java.util.ArrayList<>();
            for (KeyPair key : keys) {
                expected.add(where + " " + PublicKeyEntry.toString(key.getPublic()));
            }
            assertThat(Files.readAllLines(knownHosts)).containsExactlyElementsOf(expected);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(knownHosts))).isEqualTo("rw-------");
            assertThat(platform.tagged()).containsExactly(Map.entry(knownHosts, StandardCharsets.UTF_8));
            assertThat(strictTunnel(knownHosts, ssh.port())).isTrue();

            byte[] before = Files.readAllBytes(knownHosts);
            Run again = run("trust", "127.0.0.1:" + ssh.port(), "--known-hosts", knownHosts.toString());
            assertThat(again.rc()).as(again.out()).isZero();
            assertThat(again.out()).contains(line("ssh-ed25519", keys.get(0).getPublic(), "ALREADY TRUSTED"),
                    "FTB0603I " + knownHosts + " holds every key of " + where + ": nothing to write");
            assertThat(Files.readAllBytes(knownHosts)).isEqualTo(before);
        }
    }

    /** Each of a key's types is its own key exchange: a server with one key type shows and gets that one only. */
    @Test
    void aServerWithOneKeyTypeGetsThatOne() throws Exception {
        List<KeyPair> keys = hostKeys(List.of("ecdsa-sha2-nistp384"));
        try (TestSshServer ssh = server(keys)) {
            Run run = run("trust", "127.0.0.1:" + ssh.port(), "--known-hosts", knownHosts.toString(), "--yes");
            assertThat(run.rc()).as(run.out()).isZero();
            assertThat(run.out()).contains("has 1 host key(s)", line("ecdsa-sha2-nistp384", keys.get(0).getPublic(), "NEW"));
            assertThat(Files.readAllLines(knownHosts)).singleElement().asString().contains(" ecdsa-sha2-nistp384 ");
        }
    }

    @Test
    void aHashedFileGetsHashedEntriesThatTheBrokerMatches() throws Exception {
        List<KeyPair> keys = hostKeys(List.of("ssh-ed25519", "ssh-rsa"));
        byte[] salt = new byte[20];
        new Random(3).nextBytes(salt);
        String other = "|1|" + Base64.getEncoder().encodeToString(salt) + "|" + Base64.getEncoder().encodeToString(hmac(salt, "other.example"))
                + " " + PublicKeyEntry.toString(TestSshServer.newHostKey("ssh-ed25519").getPublic());
        Files.writeString(knownHosts, other + "\n");
        try (TestSshServer ssh = server(keys)) {
            Run run = run("trust", "127.0.0.1:" + ssh.port(), "--known-hosts", knownHosts.toString(), "--yes");
            assertThat(run.rc()).as(run.out()).isZero();
            assertThat(run.out()).contains("FTB0602I 2 key(s) for [127.0.0.1]:" + ssh.port() + " written to " + knownHosts + ", hashed");
            List<String> lines = Files.readAllLines(knownHosts);
            assertThat(lines).hasSize(3).startsWith(other);
            for (int i = 1; i < 3; i++) {
                String[] fields = lines.get(i).split(" ");
                assertThat(fields[0]).startsWith("|1|").doesNotContain("127.0.0.1");
                String[] hash = fields[0].split("\\|");
                assertThat(Base64.getDecoder().decode(hash[3]))
                        .isEqualTo(hmac(Base64.getDecoder().decode(hash[2]), "[127.0.0.1]:" + ssh.port()));
                assertThat(fields[1] + " " + fields[2]).isEqualTo(PublicKeyEntry.toString(keys.get(i - 1).getPublic()));
            }
            assertThat(strictTunnel(knownHosts, ssh.port())).isTrue();
        }
    }

    /** OpenSSH's hashed host name: HMAC-SHA1 of the name keyed by the salt. */
    private static byte[] hmac(byte[] salt, String host) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        return mac.doFinal(host.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aChangedKeyIsRefusedWithoutReplaceAndReplacedWithItKeepingEveryOtherLine() throws Exception {
        List<KeyPair> keys = hostKeys(List.of("ssh-ed25519", "ecdsa-sha2-nistp256"));
        PublicKey old = TestSshServer.newHostKey("ssh-ed25519").getPublic();
        String unrelated = "other.example " + PublicKeyEntry.toString(TestSshServer.newHostKey("ssh-ed25519").getPublic());
        try (TestSshServer ssh = server(keys)) {
            String where = "[127.0.0.1]:" + ssh.port();
            String ecdsa = where + " " + PublicKeyEntry.toString(keys.get(1).getPublic());
            String text = "# partners\n" + unrelated + "\n" + "backup.example," + where + " " + PublicKeyEntry.toString(old) + "\n"
                    + "not an entry\n" + ecdsa + "\n";
            Files.writeString(knownHosts, text);
            Files.setPosixFilePermissions(knownHosts, PosixFilePermissions.fromString("rw-r--r--"));

            Run refused = run("trust", "127.0.0.1:" + ssh.port(), "--known-hosts", knownHosts.toString(), "--yes");
            assertThat(refused.rc()).as(refused.out()).isEqualTo(8);
            assertThat(refused.out()).contains(line("ssh-ed25519", keys.get(0).getPublic(), "CHANGED"),
                    line("ecdsa-sha2-nistp256", keys.get(1).getPublic(), "ALREADY TRUSTED"),
                    "FTB0617W " + knownHosts + " line 4 is not a known_hosts entry the broker can use, and is ignored",
                    "FTB0604E The ssh-ed25519 key of " + where + " CHANGED: " + knownHosts + " holds " + fingerprint(old)
                            + ", the server offers " + fingerprint(keys.get(0).getPublic()) + "; nothing was written",
                    "run again with --replace");
            assertThat(Files.readString(knownHosts)).isEqualTo(text);

            Run replaced = run("trust", "127.0.0.1:" + ssh.port(), "--known-hosts", knownHosts.toString(), "--yes", "--replace");
            assertThat(replaced.rc()).as(replaced.out()).isZero();
            assertThat(replaced.out()).contains("FTB0602I 1 key(s) for " + where + " written to " + knownHosts + "; 1 old line(s) replaced");
            assertThat(Files.readAllLines(knownHosts)).containsExactly("# partners", unrelated,
                    "backup.example " + PublicKeyEntry.toString(old), "not an entry", ecdsa,
                    where + " " + PublicKeyEntry.toString(keys.get(0).getPublic()));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(knownHosts))).as("kept").isEqualTo("rw-r--r--");
            assertThat(strictTunnel(knownHosts, ssh.port())).isTrue();
        }
    }

    /**
     * The broker's SSH client asks for ECDSA before Ed25519, and MINA takes a key of a type the file
     * lacks for a changed one: with only the Ed25519 key in the file the broker is refused, and says why.
     * ftb trust shows ECDSA as NEW and adds it without --replace; then the broker tunnels.
     */
    @Test
    void aKeyTypeTheFileLacksIsAddedWithoutReplace() throws Exception {
        List<KeyPair> keys = hostKeys(List.of("ssh-ed25519", "ecdsa-sha2-nistp256"));
        try (TestSshServer ssh = server(keys); LogCapture log = new LogCapture()) {
            String where = "[127.0.0.1]:" + ssh.port();
            Files.writeString(knownHosts, where + " " + PublicKeyEntry.toString(keys.get(0).getPublic()) + "\n");
            assertThat(strictTunnel(knownHosts, ssh.port())).isFalse();
            assertThat(log.withId("FTB0222E")).singleElement().asString().contains("its ecdsa-sha2-nistp256 host key "
                    + fingerprint(keys.get(1).getPublic()) + " is not in " + knownHosts
                    + ", which lists the host with keys of other types only; add every key the server has (ftb trust)");

            Run run = run("trust", "127.0.0.1:" + ssh.port(), "--known-hosts", knownHosts.toString(), "--yes");
            assertThat(run.rc()).as(run.out()).isZero();
            assertThat(run.out()).contains(line("ssh-ed25519", keys.get(0).getPublic(), "ALREADY TRUSTED"),
                    line("ecdsa-sha2-nistp256", keys.get(1).getPublic(), "NEW"), "FTB0602I 1 key(s) for " + where);
            assertThat(strictTunnel(knownHosts, ssh.port())).isTrue();
        }
    }

    @Test
    void aRevokedKeyIsNeverWrittenEvenWithReplace() throws Exception {
        List<KeyPair> keys = hostKeys(List.of("ssh-ed25519", "ecdsa-sha2-nistp256"));
        try (TestSshServer ssh = server(keys)) {
            // A wildcard, as a revocation of a key used on many servers is written; MINA's check matches "*" on port 22 only.
            String revoked = "@revoked [*]:" + ssh.port() + " " + PublicKeyEntry.toString(keys.get(0).getPublic()) + "\n";
            Files.writeString(knownHosts, revoked);
            Run run = run("trust", "127.0.0.1:" + ssh.port(), "--known-hosts", knownHosts.toString(), "--yes", "--replace");
            assertThat(run.rc()).as(run.out()).isEqualTo(8);
            assertThat(run.out()).contains(line("ssh-ed25519", keys.get(0).getPublic(), "REVOKED"),
                    line("ecdsa-sha2-nistp256", keys.get(1).getPublic(), "NEW"),
                    "FTB0605E The ssh-ed25519 key " + fingerprint(keys.get(0).getPublic()) + " of [127.0.0.1]:" + ssh.port()
                            + " is marked @revoked in " + knownHosts + "; nothing was written");
            assertThat(Files.readString(knownHosts)).isEqualTo(revoked);
        }
    }

    /** A wildcard line may name other hosts: it is not edited behind their backs. */
    @Test
    void anOldKeyGivenThroughAWildcardIsLeftForAPersonToEdit() throws Exception {
        List<KeyPair> keys = hostKeys(List.of("ssh-ed25519"));
        try (TestSshServer ssh = server(keys)) {
            String text = "[127.0.0.*]:" + ssh.port() + " " + PublicKeyEntry.toString(TestSshServer.newHostKey("ssh-ed25519").getPublic()) + "\n";
            Files.writeString(knownHosts, text);
            Run run = run("trust", "127.0.0.1:" + ssh.port(), "--known-hosts", knownHosts.toString(), "--yes", "--replace");
            assertThat(run.rc()).as(run.out()).isEqualTo(8);
            assertThat(run.out()).contains(line("ssh-ed25519", keys.get(0).getPublic(), "CHANGED"),
                    "FTB0616E Cannot replace the old key in " + knownHosts + ": line 1 gives [127.0.0.1]:" + ssh.port()
                            + " its key through the pattern(s) [127.0.0.*]:" + ssh.port() + ", which may name other hosts as well");
            assertThat(Files.readString(knownHosts)).isEqualTo(text);
        }
    }

    @Test
    void withoutATerminalNothingIsWrittenUnlessYesIsGiven() throws Exception {
        try (TestSshServer ssh = server(hostKeys(List.of("ssh-ed25519")))) {
            Run run = run("trust", "127.0.0.1:" + ssh.port(), "--known-hosts", knownHosts.toString());
            assertThat(run.rc()).as(run.out()).isEqualTo(8);
            assertThat(run.out()).contains("NEW", "FTB0606E No terminal to confirm writing 1 key(s) to " + knownHosts
                    + ": nothing was written; check the fingerprints, then run again with --yes");
            assertThat(knownHosts).doesNotExist();
        }
    }

    @Test
    void aServerThatIsNotThereOrNeverSpeaksSshIsAnErrorWithinTheTimeout() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        Run refused = run("trust", "127.0.0.1:" + closed, "--known-hosts", knownHosts.toString(), "--yes");
        assertThat(refused.rc()).isEqualTo(8);
        assertThat(refused.out()).contains("FTB0608E Cannot fetch the host keys of 127.0.0.1:" + closed + ": cannot connect: Connection refused");
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Run quiet = run("trust", "127.0.0.1:" + silent.getLocalPort(), "--known-hosts", knownHosts.toString(), "--yes", "--timeout", "1");
            assertThat(quiet.rc()).isEqualTo(8);
            assertThat(quiet.out()).contains("FTB0608E Cannot fetch the host keys of 127.0.0.1:" + silent.getLocalPort()
                    + ": connected, but no SSH key exchange within 1 s");
        }
        assertThat(knownHosts).doesNotExist();
    }

    /** DSA is a key type the broker's client does not accept (nor does OpenSSH's any longer). */
    @Test
    void aServerWithNoKeyTheBrokerAcceptsIsAnError() throws Exception {
        try (TestSshServer ssh = server(List.of(org.apache.sshd.common.config.keys.KeyUtils.generateKeyPair("ssh-dss", 1024)))) {
            Run run = run("trust", "127.0.0.1:" + ssh.port(), "--known-hosts", knownHosts.toString(), "--yes");
            assertThat(run.rc()).as(run.out()).isEqualTo(8);
            assertThat(run.out()).contains("FTB0608E Cannot fetch the host keys of 127.0.0.1:" + ssh.port()
                    + ": it offers the host key algorithm(s) ssh-dss only; the broker accepts ssh-ed25519, ecdsa-sha2-nistp256, "
                    + "ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, ssh-rsa (rsa-sha2-512, rsa-sha2-256, ssh-rsa)");
        }
        assertThat(knownHosts).doesNotExist();
    }

    @Test
    void theSshHostFormTakesTheServerPortAndKnownHostsOfTheStatement() throws Exception {
        List<KeyPair> keys = hostKeys(List.of("ssh-ed25519"));
        Path anyKnownHosts = dir.resolve("any_known_hosts");
        try (TestSshServer ssh = server(keys)) {
            Path config = dir.resolve("ftbprm.txt");
            Files.writeString(config, "SSHHOST NAME(PARTNER) HOST(127.0.0.1) PORT(" + ssh.port() + ") KNOWNHOSTS('" + knownHosts + "')\n"
                    + "SSHHOST NAME(ANY) HOST(*) PORT(" + ssh.port() + ") KNOWNHOSTS('" + anyKnownHosts + "')\n");
            String cfg = config.toString();
            Run partner = run("trust", "--config", cfg, "partner", "--yes");
            assertThat(partner.rc()).as(partner.out()).isZero();
            assertThat(Files.readAllLines(knownHosts)).containsExactly("[127.0.0.1]:" + ssh.port() + " "
                    + PublicKeyEntry.toString(keys.get(0).getPublic()));
            assertThat(strictTunnel(knownHosts, ssh.port())).isTrue();

            assertThat(run("trust", "--config", cfg, "ANY").out())
                    .contains("FTB0611E SSHHOST ANY has HOST(*): its SSH server is the destination; name the one to trust");
            Run any = run("trust", "--config", cfg, "ANY", "127.0.0.1", "--yes");
            assertThat(any.rc()).as(any.out()).isZero();
            assertThat(Files.readString(anyKnownHosts)).startsWith("[127.0.0.1]:" + ssh.port() + " ssh-ed25519 ");

            Run extraHost = run("trust", "--config", cfg, "PARTNER", "127.0.0.1");
            assertThat(extraHost.rc()).isEqualTo(8);
            assertThat(extraHost.out()).contains("FTB0612E SSHHOST PARTNER has HOST(127.0.0.1): give no HOST after the SSHHOST name");
            assertThat(run("trust", "--config", cfg, "ANY", "127.0.0.1:22").out())
                    .contains("FTB0613E SSHHOST ANY has PORT(" + ssh.port() + "): give 127.0.0.1 without a port");
            Run unknown = run("trust", "--config", cfg, "GW");
            assertThat(unknown.rc()).isEqualTo(8);
            assertThat(unknown.out()).contains("FTB0610E " + cfg + " has no SSHHOST GW; its SSHHOST statements: PARTNER, ANY");
        }
    }

    @Test
    void aWrongCommandLineIsRc12AndABadHostRc8() {
        Run both = run("trust", "127.0.0.1", "--known-hosts", knownHosts.toString(), "--config", "x.txt");
        assertThat(both.rc()).isEqualTo(12);
        assertThat(both.out()).contains("FTB0619E Give --known-hosts FILE with HOST[:PORT], or --config SOURCE with an SSHHOST name");
        assertThat(run("trust", "127.0.0.1").rc()).isEqualTo(12);
        assertThat(run("trust", "127.0.0.1", "other", "--known-hosts", knownHosts.toString()).rc()).isEqualTo(12);
        Run timeout = run("trust", "127.0.0.1", "--known-hosts", knownHosts.toString(), "--timeout", "0");
        assertThat(timeout.rc()).isEqualTo(12);
        assertThat(timeout.out()).contains("FTB0620E --timeout 0 must be a whole number of seconds from 1 to 3600");
        Run bad = run("trust", "a:b:c", "--known-hosts", knownHosts.toString());
        assertThat(bad.rc()).isEqualTo(8);
        assertThat(bad.out()).contains("FTB0609E a:b:c is not HOST or HOST:PORT");
        assertThat(knownHosts).doesNotExist();
    }

    @Test
    void serverArgumentsNameAHostAndMaybeAPort() {
        assertThat(TrustCommand.server("SFTP.Partner.example:2222")).contains(new TrustCommand.Server("sftp.partner.example", OptionalInt.of(2222)));
        assertThat(TrustCommand.server("sftp_1.example")).contains(new TrustCommand.Server("sftp_1.example", OptionalInt.empty()));
        assertThat(TrustCommand.server("192.0.2.10")).contains(new TrustCommand.Server("192.0.2.10", OptionalInt.empty()));
        assertThat(TrustCommand.server("192.0.2.10:22")).contains(new TrustCommand.Server("192.0.2.10", OptionalInt.of(22)));
        assertThat(TrustCommand.server("2001:DB8:0::1")).contains(new TrustCommand.Server("2001:db8::1", OptionalInt.empty()));
        assertThat(TrustCommand.server("[2001:db8::1]")).contains(new TrustCommand.Server("2001:db8::1", OptionalInt.empty()));
        assertThat(TrustCommand.server("[2001:db8::1]:2222")).contains(new TrustCommand.Server("2001:db8::1", OptionalInt.of(2222)));
        for (String bad : List.of("a:b:c", "[2001:db8::1", "[192.0.2.1]:22", "host:0", "host:65536", "host:", "two words", "", "[x]")) {
            assertThat(TrustCommand.server(bad)).as(bad).isEmpty();
        }
    }

    /**
     * The one text-file rule: a known_hosts file in the platform's EBCDIC code page is read, appended
     * to and rewritten in it, never turned into UTF-8; a rewritten file gets its code page tag again.
     */
    @Test
    void anIbm1047FileStaysIbm1047WhenAppendedToAndWhenRewritten() throws Exception {
        TestPlatform zos = TestPlatform.inCodePage(CodePages.IBM1047);
        List<KeyPair> first = hostKeys(List.of("ssh-ed25519"));
        String unrelated = "other.example " + PublicKeyEntry.toString(TestSshServer.newHostKey("ssh-ed25519").getPublic());
        Files.write(knownHosts, ("# EBCDIC\n" + unrelated + "\n").getBytes(CodePages.IBM1047));
        int port;
        try (TestSshServer ssh = server(first)) {
            port = ssh.port();
            Run appended = run(zos, "trust", "127.0.0.1:" + port, "--known-hosts", knownHosts.toString(), "--yes");
            assertThat(appended.rc()).as(appended.out()).isZero();
        }
        assertThat(zos.tagged()).as("an existing file appended to keeps its tag").isEmpty();
        String line = "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(first.get(0).getPublic());
        assertThat(new String(Files.readAllBytes(knownHosts), CodePages.IBM1047).lines()).containsExactly("# EBCDIC", unrelated, line);

        // Another server at another port stands for the first with a new key: the file names it with the first's key.
        List<KeyPair> second = hostKeys(List.of("ssh-ed25519"));
        try (TestSshServer ssh = TestSshServer.start(second, Map.of(), clientKey.getPublic(), true)) {
            String where = "[127.0.0.1]:" + ssh.port();
            Files.write(knownHosts, ("# EBCDIC\n" + unrelated + "\n" + where + " " + PublicKeyEntry.toString(first.get(0).getPublic()) + "\n")
                    .getBytes(CodePages.IBM1047));
            Run replaced = run(zos, "trust", "127.0.0.1:" + ssh.port(), "--known-hosts", knownHosts.toString(), "--yes", "--replace");
            assertThat(replaced.rc()).as(replaced.out()).isZero();
            assertThat(new String(Files.readAllBytes(knownHosts), CodePages.IBM1047).lines())
                    .containsExactly("# EBCDIC", unrelated, where + " " + PublicKeyEntry.toString(second.get(0).getPublic()));
        }
        assertThat(zos.tagged()).containsExactly(Map.entry(knownHosts, CodePages.IBM1047));
    }

    /**
     * On a terminal, ftb trust asks before it writes: a real pseudo-terminal (script(1)) runs the
     * command in a JVM of its own, answering y, then n.
     */
    @Test
    void onATerminalItAsksAndWritesOnlyAfterYes() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script(1) of util-linux gives a pseudo-terminal");
        try (TestSshServer ssh = server(hostKeys(List.of("ssh-ed25519", "ecdsa-sha2-nistp256")))) {
            Terminal no = onTerminal("n", ssh.port());
            assertThat(no.rc()).as(no.out()).isEqualTo(4);
            assertThat(no.out()).contains("Write 2 key(s) to " + knownHosts + "? [y/N]", "FTB0607W Not confirmed: nothing was written to "
                    + knownHosts);
            assertThat(knownHosts).doesNotExist();
            Terminal yes = onTerminal("y", ssh.port());
            assertThat(yes.rc()).as(yes.out()).isZero();
            assertThat(yes.out()).contains("Write 2 key(s) to " + knownHosts + "? [y/N]", "FTB0602I 2 key(s)");
            assertThat(Files.readAllLines(knownHosts)).hasSize(2);
        }
    }

    private record Terminal(int rc, String out) {
    }

    private Terminal onTerminal(String answer, int port) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = String.join(" ", "'" + java + "'", "-cp", "'" + System.getProperty("java.class.path") + "'", "org.ftb.cli.Main",
                "trust", "127.0.0.1:" + port, "--known-hosts", "'" + knownHosts + "'");
        Process process = new ProcessBuilder("/usr/bin/script", "-qec", command, "/dev/null").redirectErrorStream(true).start();
        process.getOutputStream().write((answer + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Terminal(process.exitValue(), out);
    }
}

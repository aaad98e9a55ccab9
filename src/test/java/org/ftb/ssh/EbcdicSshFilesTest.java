package org.ftb.ssh;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.ftb.config.SshHostSettings;
import org.ftb.platform.CodePages;
import org.ftb.platform.PrivateFiles;
import org.ftb.platform.TextFiles;
import org.ftb.testing.EchoServer;
import org.ftb.testing.TestSshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
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
 * Issue 8: known_hosts, key and passphrase files made on z/OS (untagged EBCDIC) work as UTF-8 ones do,
 * and host keys are checked as strictly as ever.
 */
@Timeout(60)
class EbcdicSshFilesTest {
    private static final Charset IBM01141 = Charset.forName("IBM01141");
    private static final Credentials PASSWORD = new Credentials.Password("u", "pw".toCharArray());

    @TempDir
    Path dir;
    private KeyPair clientKey;
    private TestSshServer ssh;
    private EchoServer echo;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void setUp() throws Exception {
        clientKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        ssh = TestSshServer.start(dir, Map.of("u", "pw"), clientKey.getPublic(), true);
        echo = new EchoServer();
    }

    @AfterEach
    void tearDown() throws Exception {
        echo.close();
        ssh.close();
        timer.shutdownNow();
    }

    private SshHostSettings host(Path knownHosts, SshHostSettings.HostKeyPolicy policy, Charset platform, Optional<Path> key,
                                 Optional<Path> passphrase) {
        return new SshHostSettings("GW", Optional.of("127.0.0.1"), ssh.port(), knownHosts, policy, SshHostSettings.DEFAULT_CIPHERS,
                Duration.ZERO, Optional.of("svc"), key, passphrase, 32, new TextFiles(platform));
    }

    /** Opens one tunnel to the echo server and closes it again. */
    private CompletableFuture<TunnelStream> tunnel(SshHostSettings host, Credentials credentials) throws Exception {
        SshTunnels tunnels = new SshTunnels(List.of(host), Duration.ofSeconds(10), timer);
        try {
            CompletableFuture<TunnelStream> opened = tunnels.open(host, Duration.ofSeconds(10), credentials, "127.0.0.1", echo.port(), "127.0.0.1", 1);
            try {
                opened.get(20, TimeUnit.SECONDS).close(true);
            } catch (ExecutionException e) {
                // The caller looks at the failure.
            }
            return opened;
        } finally {
            tunnels.close();
        }
    }

    private static TunnelFailure failure(CompletableFuture<TunnelStream> opened) {
        assertThat(opened).isCompletedExceptionally();
        return (TunnelFailure) opened.handle((stream, error) -> error).join();
    }

    private Path ebcdicKnownHosts(String... lines) throws Exception {
        return Files.write(dir.resolve("known_hosts"), (String.join("\n", lines) + "\n").getBytes(CodePages.IBM1047));
    }

    private String otherHostsLine() throws Exception {
        return "other.example.com " + PublicKeyEntry.toString(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());
    }

    @Test
    void anIbm1047KnownHostsFileLetsInTheServerItLists() throws Exception {
        Path knownHosts = ebcdicKnownHosts("# made with OEDIT", ssh.knownHostsLine());
        assertThat(tunnel(host(knownHosts, SshHostSettings.HostKeyPolicy.STRICT, CodePages.IBM1047, Optional.empty(), Optional.empty()),
                PASSWORD)).isCompleted().isNotCompletedExceptionally();
    }

    @Test
    void strictCheckingStillRefusesAKeyThatAnIbm1047KnownHostsFileDoesNotHold() throws Exception {
        Path knownHosts = ebcdicKnownHosts(otherHostsLine());
        TunnelFailure refused = failure(tunnel(host(knownHosts, SshHostSettings.HostKeyPolicy.STRICT, CodePages.IBM1047,
                Optional.empty(), Optional.empty()), PASSWORD));
        assertThat(refused.kind()).isEqualTo(TunnelFailure.Kind.HOST_KEY_REFUSED);
        assertThat(refused.getMessage()).contains("is not in " + knownHosts + " (HOSTKEYS(STRICT))");
        assertThat(ssh.tunnelsOpened()).isZero();
    }

    @Test
    void acceptNewAddsANewHostInTheCodePageItsKnownHostsFileIsIn() throws Exception {
        String other = otherHostsLine();
        Path knownHosts = ebcdicKnownHosts(other);
        assertThat(tunnel(host(knownHosts, SshHostSettings.HostKeyPolicy.ACCEPTNEW, CodePages.IBM1047, Optional.empty(), Optional.empty()),
                PASSWORD)).isNotCompletedExceptionally();
        TextFiles.Text text = new TextFiles(CodePages.IBM1047).read(knownHosts);
        assertThat(text.charset()).isEqualTo(CodePages.IBM1047);
        assertThat(text.lines()).hasSize(2).first().isEqualTo(other);
        assertThat(text.lines().get(1)).endsWith(ssh.knownHostsLine().substring(ssh.knownHostsLine().indexOf(' ')));
        assertThat(tunnel(host(knownHosts, SshHostSettings.HostKeyPolicy.STRICT, CodePages.IBM1047, Optional.empty(), Optional.empty()),
                PASSWORD)).as("the added entry lets the server in under STRICT").isNotCompletedExceptionally();
    }

    @Test
    void acceptNewTrustsNoKeyWhileItsKnownHostsFileIsNotText() throws Exception {
        Path knownHosts = Files.write(dir.resolve("known_hosts"), new byte[] {0x40, 0x00, (byte) 0xFF, 0x15});
        TunnelFailure refused = failure(tunnel(host(knownHosts, SshHostSettings.HostKeyPolicy.ACCEPTNEW, CodePages.IBM1047,
                Optional.empty(), Optional.empty()), PASSWORD));
        assertThat(refused.kind()).isEqualTo(TunnelFailure.Kind.HOST_KEY_REFUSED);
        assertThat(refused.getMessage()).contains(knownHosts + " cannot be read: the file is neither UTF-8 nor IBM-1047 text");
        assertThat(Files.readAllBytes(knownHosts)).as("nothing appended").hasSize(4);
    }

    /** IBM-1141 (German, with the euro sign) as the platform code page: 'ä' and '€' are bytes X'C0' and X'9F' there. */
    @Test
    void aKeyAndAPassphraseWrittenInEbcdicLogInWithThePassphraseAsTyped() throws Exception {
        String passphrase = "ä€-Geheimnis";
        ByteArrayOutputStream keyText = new ByteArrayOutputStream();
        OpenSSHKeyEncryptionContext encryption = new OpenSSHKeyEncryptionContext();
        encryption.setPassword(passphrase);
        encryption.setCipherType("256");
        new OpenSSHKeyPairResourceWriter().writePrivateKey(clientKey, "svc", encryption, keyText);
        Path key = dir.resolve("id_ed25519");
        Path passphraseFile = dir.resolve("passphrase");
        try (OutputStream out = PrivateFiles.create(key)) {
            out.write(keyText.toString(java.nio.charset.StandardCharsets.US_ASCII).getBytes(IBM01141));
        }
        try (OutputStream out = PrivateFiles.create(passphraseFile)) {
            out.write((passphrase + "\n").getBytes(IBM01141));
        }
        Path knownHosts = Files.writeString(dir.resolve("known_hosts"), ssh.knownHostsLine() + "\n");
        assertThat(tunnel(host(knownHosts, SshHostSettings.HostKeyPolicy.STRICT, IBM01141, Optional.of(key), Optional.of(passphraseFile)),
                new Credentials.HostKey("svc"))).isNotCompletedExceptionally();
        assertThat(ssh.tunnelsOpened()).isEqualTo(1);
    }
}

package org.ftb.testing;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real OpenSSH sshd on a loopback port, for interop tests: it lets user {@value #USER} log in with
 * password {@value #PASSWORD} or the given key, and allows direct-tcpip. Needs /usr/sbin/sshd and that
 * local user, which .ci/run sets up; CI requires them, elsewhere the test is skipped without them.
 */
public final class OpenSshd implements AutoCloseable {
    public static final String USER = "ftbtest";
    public static final String PASSWORD = "ftb-Interop-1";

    private final Path dir;
    private final Path config;
    private final List<String> keyTypes;
    private final int port;
    private final Path publicDir;
    private Process process;

    private OpenSshd(Path dir, Path config, List<String> keyTypes, int port, Path publicDir) {
        this.dir = dir;
        this.config = config;
        this.keyTypes = List.copyOf(keyTypes);
        this.port = port;
        this.publicDir = publicDir;
    }

    /** Skips the test off CI when sshd or the user is missing; on CI (CI=true) fails it instead. */
    public static void assumeAvailable() {
        boolean ready = Files.isExecutable(Path.of("/usr/sbin/sshd")) && userExists();
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(ready, "OpenSSH sshd and user " + USER + " are set up by .ci/run");
        }
        assertThat(ready).as("CI must provide /usr/sbin/sshd and user " + USER).isTrue();
    }

    private static boolean userExists() {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(USER + ":"));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Starts sshd on a free loopback port with new host keys of {@code keyTypes} (ssh-keygen -t names:
     * ed25519, ecdsa, rsa), made in {@code dir}.
     *
     * @param authorizedKey the key {@value #USER} may log in with, or null
     */
    public static OpenSshd start(Path dir, PublicKey authorizedKey, String... keyTypes) throws Exception {
        Files.createDirectories(Path.of("/run/sshd"));
        // sshd reads authorized_keys as the user, who cannot enter JUnit's owner-only temporary folder.
        Path publicDir = Files.createTempDirectory("ftb-sshd-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path authorized = publicDir.resolve("authorized_keys");
        Files.writeString(authorized, authorizedKey == null ? "" : PublicKeyEntry.toString(authorizedKey) + "\n");
        Files.setPosixFilePermissions(authorized, PosixFilePermissions.fromString("rw-r--r--"));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        List<String> lines = new ArrayList<>(List.of("Port " + port, "ListenAddress 127.0.0.1", "PidFile " + dir.resolve("sshd.pid"),
                "UsePAM no", "PasswordAuthentication yes", "KbdInteractiveAuthentication no", "PubkeyAuthentication yes",
                "AuthorizedKeysFile " + authorized, "StrictModes no", "AllowTcpForwarding yes", "PermitTTY no",
                "X11Forwarding no", "PermitRootLogin no", "LogLevel VERBOSE"));
        for (String type : keyTypes) {
            lines.add("HostKey " + hostKey(dir, type));
        }
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n", lines) + "\n");
        OpenSshd sshd = new OpenSshd(dir, config, List.of(keyTypes), port, publicDir);
        sshd.newHostKeys();
        return sshd;
    }

    private static Path hostKey(Path dir, String type) {
        return dir.resolve("ssh_host_" + type + "_key");
    }

    /** Gives sshd new host keys of the same types: it stops, the keys are made anew, and it starts again on the same port. */
    public void newHostKeys() throws Exception {
        stop();
        for (String type : keyTypes) {
            Path key = hostKey(dir, type);
            Files.deleteIfExists(key);
            Files.deleteIfExists(Path.of(key + ".pub"));
            run("ssh-keygen", "-q", "-t", type, "-N", "", "-f", key.toString());
        }
        process = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sshd.log").toFile())).start();
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }

    public int port() {
        return port;
    }

    /** The public host key of {@code type} (ssh-keygen -t name) as {@code keytype base64}, without its comment. */
    public String publicKey(String type) throws IOException {
        String pub = Files.readString(Path.of(hostKey(dir, type) + ".pub")).trim();
        return pub.substring(0, pub.lastIndexOf(' '));
    }

    /** The fingerprint of the public host key of {@code type}, as {@code ssh-keygen -l} prints it. */
    public String fingerprint(String type) throws Exception {
        Process p = new ProcessBuilder("ssh-keygen", "-l", "-E", "sha256", "-f", hostKey(dir, type) + ".pub").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out.split(" ")[1];
    }

    private void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        Files.deleteIfExists(publicDir.resolve("authorized_keys"));
        Files.deleteIfExists(publicDir);
    }
}

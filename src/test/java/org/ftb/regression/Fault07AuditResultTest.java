package org.ftb.regression;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6, fault 7: the control connection's audit record says result=OK whatever happened. A session
 * in which no login ever succeeded ends with result=LOGIN_REFUSED (the client was refused, then
 * QUIT), and one whose SSH host key was refused ends with result=HOST_KEY_REFUSED.
 */
@Timeout(30)
class Fault07AuditResultTest {
    private static final Duration AUDIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** Logs in with {@code user}/{@code password}, expects a 530, QUITs and returns the control connection's audit record. */
    private static String refusedLoginThenQuit(FtpRig rig, String user, String password) throws Exception {
        try (FtpRig.Control c = rig.connect()) {
            assertThat(c.line()).startsWith("220 ");
            c.send("USER " + user);
            assertThat(c.line()).startsWith("331");
            c.send("PASS " + password);
            assertThat(c.line()).as("the answer to a refused login").startsWith("530");
            c.send("QUIT");
            assertThat(c.line()).startsWith("221");
        }
        return rig.awaitAudit(l -> l.contains("action=FTPTUNNEL"), AUDIT);
    }

    @Test
    void aWrongPasswordEndsWithLoginRefused() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.broker("");
            String audit = refusedLoginThenQuit(rig, FtpRig.USER, "wrong-password");
            assertThat(audit).as("the control connection's audit record").contains(" result=LOGIN_REFUSED");
        }
    }

    @Test
    void anUnknownUserEndsWithLoginRefused() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.broker("");
            String audit = refusedLoginThenQuit(rig, "nobody", FtpRig.PASSWORD);
            assertThat(audit).as("the control connection's audit record").contains(" result=LOGIN_REFUSED");
        }
    }

    @Test
    void aPasswordTheFtpServerRefusesEndsWithLoginRefused() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            // SSH accepts u/p; the FTP server behind it does not.
            rig.ftp.on("PASS", "530 Login incorrect.");
            rig.broker("");
            String audit = refusedLoginThenQuit(rig, FtpRig.USER, FtpRig.PASSWORD);
            assertThat(audit).as("the control connection's audit record").contains(" result=LOGIN_REFUSED");
        }
    }

    /** Guard for the contract's "no login ever succeeded": a refused login followed by a good one stays OK (passes today). */
    @Test
    void aSessionWhoseSecondLoginSucceedsEndsOk() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.broker("");
            try (FtpRig.Control c = rig.connect()) {
                assertThat(c.line()).startsWith("220 ");
                c.send("USER " + FtpRig.USER);
                assertThat(c.line()).startsWith("331");
                c.send("PASS wrong-password");
                assertThat(c.line()).startsWith("530");
                c.send("USER " + FtpRig.USER);
                assertThat(c.line()).startsWith("331");
                c.send("PASS " + FtpRig.PASSWORD);
                assertThat(c.line()).startsWith("230");
                c.send("QUIT");
                assertThat(c.line()).startsWith("221");
            }
            assertThat(rig.awaitAudit(l -> l.contains("action=FTPTUNNEL"), AUDIT)).contains(" result=OK");
        }
    }

    @ParameterizedTest(name = "known_hosts {0}")
    @ValueSource(strings = {"empty", "with another key for the host"})
    void aRefusedHostKeyEndsWithHostKeyRefused(String knownHosts) throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            if (knownHosts.equals("empty")) {
                Files.writeString(rig.knownHosts, "");
            } else {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(256);
                Files.writeString(rig.knownHosts, "[127.0.0.1]:" + rig.ssh.port() + " "
                        + PublicKeyEntry.toString(generator.generateKeyPair().getPublic()) + "\n");
            }
            rig.brokerWith(rig.sshHost("HOSTKEYS(STRICT)") + rig.ftpRule());
            try (FtpRig.Control c = rig.connect()) {
                assertThat(c.line()).startsWith("220 ");
                c.send("USER " + FtpRig.USER);
                assertThat(c.line()).startsWith("331");
                c.send("PASS " + FtpRig.PASSWORD);
                assertThat(c.line()).as("the answer when the SSH host key is refused").matches("4\\d\\d .*");
            }
            String audit = rig.awaitAudit(l -> l.contains("action=FTPTUNNEL"), AUDIT);
            assertThat(audit).as("the control connection's audit record").contains(" result=HOST_KEY_REFUSED");
            assertThat(rig.ftp.connections()).as("the FTP server was never reached").isZero();
        }
    }
}

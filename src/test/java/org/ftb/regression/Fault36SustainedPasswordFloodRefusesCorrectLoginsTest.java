package org.ftb.regression;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.ftb.auth.UserDirectory;
import org.ftb.gateway.Gateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Security finding (gateway, with the broker): the newest-first password queue (Fault30's fix) helps
 * against a one-shot flood only. Under a sustained flood (connections that each repeat a wrong password
 * as soon as the 2 s delay answers it) newer checks keep arriving faster than the hashing threads turn
 * them over, so a broker's correct password is pushed out of the queue and "refused unchecked". The
 * broker does not try again (docs/security.md says it does: "the broker tries again"): the FTP client
 * gets a 530 as if its password were wrong, and a job fails with a correct password. Here 150 guessing
 * connections (one wrong password each per 2 s, the default PBKDF2 count, 2 cores): about one correct
 * login in five is answered "530 Login incorrect: SSH host GW refused user job1" (gateway FTB0503W
 * "password not checked: newer password checks pushed it out").
 */
@Timeout(180)
class Fault36SustainedPasswordFloodRefusesCorrectLoginsTest {
    @TempDir
    Path dir;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> attackers = new ArrayList<>();
    private FtpRig rig;
    private Gateway gateway;
    private SshClient client;

    @AfterEach
    void tearDown() throws Exception {
        stop.set(true);
        for (Thread t : attackers) {
            t.join(10_000);
        }
        if (client != null) {
            client.stop();
        }
        if (rig != null) {
            rig.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aCorrectLoginThroughTheBrokerSucceedsUnderASustainedFlood() throws Exception {
        // As `ftb gateway passwd` writes it: the default iteration count.
        Files.write(dir.resolve("gateway-users"), List.of(UserDirectory.entry(Rig.USER, Rig.PASSWORD.toCharArray(), UserDirectory.DEFAULT_ITERATIONS)));
        rig = FtpRig.start(dir);
        gateway = Rig.gateway(dir);
        rig.ftp.on("USER", "331 password please").on("PASS", "230 in");
        Path knownHosts = dir.resolve("gw_known_hosts");
        Files.writeString(knownHosts, gateway.knownHostsLine() + "\n");
        rig.brokerWith("BROKER MAXSESSIONS(100) LOGINTIMEOUT(60)\n"
                + "SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + gateway.port() + ") KNOWNHOSTS('" + knownHosts + "')\n"
                + rig.ftpRule());
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
        for (int i = 0; i < 150; i++) {
            int n = i;
            Thread t = new Thread(() -> guess(n), "guesser-" + i);
            t.setDaemon(true);
            attackers.add(t);
            t.start();
        }
        Thread.sleep(4000); // the flood is steady
        List<String> replies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            try (FtpRig.Control c = rig.connect()) {
                c.line(Duration.ofSeconds(10));
                c.send("USER " + Rig.USER);
                c.line(Duration.ofSeconds(10));
                c.send("PASS " + Rig.PASSWORD);
                replies.add(c.line(Duration.ofSeconds(30)));
            }
        }
        assertThat(replies).as("replies to ten correct logins through the broker under a sustained flood of wrong passwords at the gateway"
                + " (broker's FTB0233W: %s)", rig.log.withId("FTB0233W"))
                .allMatch(r -> r.startsWith("230"));
    }

    /** One connection after another, each repeating a wrong password as soon as it is answered. */
    private void guess(int n) {
        try {
            Thread.sleep(n * 13L % 2000); // spread out, so that checks arrive all the time
        } catch (InterruptedException e) {
            return;
        }
        while (!stop.get()) {
            try (ClientSession s = client.connect("guess" + n, "127.0.0.1", gateway.port()).verify(10_000).getSession()) {
                for (int i = 0; i < 6 && !stop.get(); i++) {
                    s.addPasswordIdentity("wrong-" + n + "-" + i);
                }
                s.auth().await(30_000);
            } catch (Exception e) {
                // disconnected after MAXAUTHTRIES: go on with a new connection
            }
        }
    }
}

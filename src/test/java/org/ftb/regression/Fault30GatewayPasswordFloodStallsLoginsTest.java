package org.ftb.regression;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.ftb.address.HostPort;
import org.ftb.auth.UserDirectory;
import org.ftb.config.GatewaySettings;
import org.ftb.gateway.Gateway;
import org.ftb.message.MessageLog;
import org.ftb.rules.DestinationPattern;
import org.ftb.rules.PortRange;
import org.ftb.testing.TestTextFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Security finding (gateway): docs/security.md says the password hash "runs on threads of its own, so
 * guessing does not stall other sessions". The hashes of all connections share one pool of as many
 * threads as processors, with an unbounded queue. A partner that opens a few dozen unauthenticated
 * connections and sends one wrong password on each queues as many full PBKDF2 hashes (310,000
 * iterations, as `ftb gateway passwd` writes them); a broker's correct password then waits behind
 * all of them. 200 connections delay a correct login from about 0.4 s to over 10 s on 2 cores; each connection can be refilled every 2 s, so a sustained flood outlasts the broker's login timeouts.
 */
@Timeout(180)
class Fault30GatewayPasswordFloodStallsLoginsTest {
    @TempDir
    Path dir;

    @Test
    void aCorrectPasswordIsNotQueuedBehindAFloodOfWrongOnes() throws Exception {
        Path users = dir.resolve("users");
        Files.write(users, List.of(UserDirectory.entry(Rig.USER, Rig.PASSWORD.toCharArray(), UserDirectory.DEFAULT_ITERATIONS)));
        try (Gateway gateway = Gateway.start(new GatewaySettings(new HostPort("127.0.0.1", 0), dir.resolve("hostkey"), Optional.of(users),
                Optional.of(UserDirectory.read(users, TestTextFiles.UTF8)), Optional.empty(), GatewaySettings.DEFAULT_MAX_AUTH_TRIES,
                List.of(new GatewaySettings.Permit(DestinationPattern.parse("127.0.0.1").orElseThrow(), PortRange.ALL)), TestTextFiles.UTF8),
                new MessageLog(LoggerFactory.getLogger("ftb")))) {
            SshClient client = SshClient.setUpDefaultClient();
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
            try {
                // The broker's own login, alone: a hash and no more.
                Duration alone = login(client, gateway.port());
                List<ClientSession> flood = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    ClientSession s = client.connect("guess" + i, "127.0.0.1", gateway.port()).verify(10_000).getSession();
                    s.addPasswordIdentity("wrong-" + i);
                    flood.add(s);
                }
                List<AuthFuture> pending = new ArrayList<>();
                for (ClientSession s : flood) {
                    pending.add(s.auth());
                }
                Thread.sleep(200);
                Duration underFlood = login(client, gateway.port());
                for (ClientSession s : flood) {
                    s.close(true);
                }
                assertThat(underFlood).as("a correct password's login under a flood of 200 wrong ones (alone: %s)", alone)
                        .isLessThan(alone.plusSeconds(3));
            } finally {
                client.stop();
            }
        }
    }

    private static Duration login(SshClient client, int port) throws Exception {
        try (ClientSession session = client.connect(Rig.USER, "127.0.0.1", port).verify(10_000).getSession()) {
            session.addPasswordIdentity(Rig.PASSWORD);
            long start = System.nanoTime();
            session.auth().verify(120_000);
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }
}

package org.ftb.regression;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.ftb.gateway.Gateway;
import org.ftb.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Security finding (gateway): docs/security.md says a refused password is answered after a fixed
 * 2 seconds, "one guess per 2 seconds per connection". A client need not wait for the answer: SSH lets
 * it send its next USERAUTH_REQUEST at once, and the gateway starts a hash for each (Logins.password
 * counts the try and queues the check before the previous one is answered). Six wrong passwords sent
 * together are all checked, and all logged as refused, well inside one delay.
 */
@Timeout(60)
class Fault34PipelinedPasswordsTest {
    @TempDir
    Path dir;

    @Test
    void passwordsSentWithoutWaitingAreNotCheckedFasterThanOnePerDelay() throws Exception {
        try (LogCapture log = new LogCapture(); Gateway gateway = Rig.gateway(dir)) {
            SshClient client = SshClient.setUpDefaultClient();
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
            try (ClientSession session = client.connect(Rig.USER, "127.0.0.1", gateway.port()).verify(10_000).getSession()) {
                session.addPasswordIdentity("wrong-0");
                session.auth(); // the client asks for ssh-userauth and sends its first password
                Thread.sleep(300);
                long start = System.nanoTime();
                for (int i = 1; i < 6; i++) {
                    Buffer b = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_REQUEST, 64);
                    b.putString(Rig.USER);
                    b.putString("ssh-connection");
                    b.putString("password");
                    b.putBoolean(false);
                    b.putString("wrong-" + i);
                    session.writePacket(b);
                }
                Thread.sleep(1500);
                int checked = log.withId("FTB0503W").size();
                assertThat(checked).as("passwords checked and refused within %s of the first (FAILURE_DELAY %s)",
                        Duration.ofNanos(System.nanoTime() - start), Gateway.FAILURE_DELAY).isLessThanOrEqualTo(1);
            } finally {
                client.stop();
            }
        }
    }
}

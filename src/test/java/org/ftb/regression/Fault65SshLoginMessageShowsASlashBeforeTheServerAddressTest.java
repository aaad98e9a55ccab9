package org.ftb.regression;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fault 65: FTB0230I names the SSH server as Java's {@code InetSocketAddress.toString()}.
 *
 * <p>Attack: any FTPTUNNEL login (the demo's curl command shows it).
 *
 * <p>Observed: {@code FTB0230I C1 127.0.0.1:45766 FTP user demo logged in to 127.0.0.1:39353 via DEMOGW
 * (ssh demo@/127.0.0.1:42875, aes128-gcm@openssh.com)}: a stray {@code /} (and with a host name,
 * {@code name/address:port}), while {@code D SSH} shows the same connection as {@code demo@127.0.0.1:42875}.
 *
 * <p>Correct: {@code (ssh demo@127.0.0.1:42875, ...)}, the server as DISPLAY SSH and the other messages
 * write an address: no {@code /}.
 */
@Timeout(120)
class Fault65SshLoginMessageShowsASlashBeforeTheServerAddressTest {
    @TempDir
    Path dir;
    private RealFtpRig rig;

    @BeforeEach
    void setUp() throws Exception {
        rig = RealFtpRig.start(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
    }

    @Test
    void theLoginMessageNamesTheSshServerAsAddressAndPort() throws Exception {
        Rig.FtpClient client = rig.login();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> !rig.log().withId("FTB0230I").isEmpty());
        } finally {
            client.disconnect();
        }
        assertThat(rig.log().withId("FTB0230I")).singleElement().asString()
                .doesNotContain("@/")
                .contains("@127.0.0.1:" + rig.gateway().port() + ",");
    }
}

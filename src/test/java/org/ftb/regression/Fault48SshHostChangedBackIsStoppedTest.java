package org.ftb.regression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attack (operator trying a change and taking it back): an FTP session is logged in through SSHHOST GW.
 * The operator adds KEEPALIVE(15) to GW and RELOADs (GW's connection, still carrying the session,
 * retires), then thinks better of it, puts the old statement back and RELOADs again. The session then
 * logs out, so its retiring connection closes.
 *
 * <p>Observed: every new FTP session through GW fails from then on ("SSHHOST GW is no longer
 * configured"), although GW is configured and DISPLAY CONFIG shows it, until the broker is restarted.
 * SshTunnels keeps its SSH clients by the SSHHOST statement's value: the second RELOAD adds a client for
 * the old (equal) statement in place of the retiring one, which is leaked, never stopped, while the
 * statement stays in the retired set, so when the old connection closes, stopRetired() stops the client
 * that the configuration in force uses.
 *
 * <p>Correct behaviour: a statement put back by RELOAD is simply in force; new sessions through it log in,
 * and only the retired connection's own client is stopped when that connection closes.
 */
@Timeout(120)
class Fault48SshHostChangedBackIsStoppedTest {
    @TempDir
    Path dir;

    @Test
    void anSshHostPutBackByASecondReloadStillCarriesNewSessions() throws Exception {
        try (ReloadRig rig = ReloadRig.start(dir)) {
            String rule = rig.ftpRule("ACTION(FTPTUNNEL) VIA(GW)");
            String original = rig.sshHost("GW", "") + rule;
            rig.write(original).startBroker();

            Rig.FtpClient old = rig.login();
            assertThat(old.listNames()).isNotNull();

            rig.write(rig.sshHost("GW", "KEEPALIVE(15)") + rule);
            assertThat(rig.command("RELOAD")).contains("FTB0304I", "FTB0308I RELOAD: SSHHOST GW");
            rig.write(original);
            assertThat(rig.command("RELOAD")).contains("FTB0304I", "generation 3");

            assertThat(old.logout()).isTrue();
            old.disconnect();
            await().untilAsserted(() -> assertThat(rig.broker().sshConnections()).as("the retired connection closes").isEmpty());

            Rig.FtpClient fresh = rig.login();
            try {
                assertThat(fresh.listNames()).as(fresh.getReplyString()).isNotNull();
            } finally {
                fresh.disconnect();
            }
        }
    }
}

package org.ftb.regression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attack (RELOAD that tightens the login limit while users sit at the password prompt): the broker runs
 * with {@code BROKER LOGINTIMEOUT(120)}; an FTP client connects through it and has the broker's 220.
 * The operator RELOADs {@code LOGINTIMEOUT(1)}. A second client connects after the RELOAD.
 *
 * <p>Observed: both sessions are closed with FTB0211W "not logged in within 1 s (LOGINTIMEOUT)", the one
 * accepted under LOGINTIMEOUT(120) first: SocksServer.sweep() measures every session waiting for its
 * login by the LOGINTIMEOUT of the generation now in force (as LoginQueue does with MAXPRELOGIN), while
 * it takes HANDSHAKETIMEOUT and IDLETIMEOUT from each session's own generation.
 *
 * <p>Correct behaviour (docs/operations.md, RELOAD: "Connections already accepted finish under the
 * configuration they started with: an FTP session keeps its rule, its SSH connection and its timeouts"):
 * the session accepted before the RELOAD keeps its 120 s to log in; only the one accepted after it is
 * closed after 1 s.
 */
@Timeout(60)
class Fault59ReloadedLoginTimeoutEndsSessionsAcceptedBeforeTest {
    @TempDir
    Path dir;

    @Test
    void aSessionKeepsTheLoginTimeoutItWasAcceptedUnder() throws Exception {
        try (ReloadRig rig = ReloadRig.start(dir)) {
            String rest = rig.sshHost("GW", "") + rig.ftpRule("ACTION(FTPTUNNEL) VIA(GW)");
            rig.write("BROKER LOGINTIMEOUT(120)\n" + rest).startBroker();
            Rig.FtpClient before = rig.connect();
            long beforeId = rig.broker().status().sessions().get(0).id();
            try {
                rig.write("BROKER LOGINTIMEOUT(1)\n" + rest);
                assertThat(rig.command("RELOAD")).startsWith("FTB0304I");
                Rig.FtpClient after = rig.connect();
                try {
                    await().until(() -> rig.log.withId("FTB0211W").stream().anyMatch(l -> !l.startsWith("FTB0211W C" + beforeId + " ")));
                    assertThat(rig.log.withId("FTB0211W")).as("sessions closed by LOGINTIMEOUT")
                            .noneMatch(l -> l.startsWith("FTB0211W C" + beforeId + " "));
                } finally {
                    after.disconnect();
                }
            } finally {
                before.disconnect();
            }
        }
    }
}

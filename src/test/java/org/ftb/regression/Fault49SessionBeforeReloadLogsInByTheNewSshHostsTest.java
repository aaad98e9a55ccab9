package org.ftb.regression;

import org.apache.commons.net.ftp.FTPConnectionClosedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack (RELOAD while a user is at the password prompt): an FTP client connects through the broker
 * under a rule ACTION(FTPTUNNEL) VIA(GW) and sends USER (the broker answers 331 itself; with
 * AUTH(FTPLOGIN) the tunnel opens at PASS). The operator RELOADs a configuration in which the same SSH
 * server is called GW2 and the rule goes VIA(GW2). Then the user sends PASS.
 *
 * <p>Observed: 421 and FTB0234E "SSHHOST GW is no longer configured" (or "no SSHHOST GW"): the session
 * was accepted under generation 1, whose rule and SSHHOST GW it keeps, but SshTunnels.open looks the SSH
 * host up by name in the map of the configuration now in force. The same lookup makes such a session log
 * in with the new statement's HOST, PORT, KNOWNHOSTS and KEY when GW is changed rather than renamed; a
 * TUNNEL/FTPTUNNEL AUTH(KEY) session whose SOCKS request arrives after the RELOAD mixes the old
 * generation's USER with the new statement's settings.
 *
 * <p>Correct behaviour (issue 9: "existing sessions finish under the rules they started with";
 * Generation: "the configuration a connection lives by from its accept to its end"): the session logs in
 * through GW as it was configured when the session was accepted, and gets 230.
 */
@Timeout(120)
class Fault49SessionBeforeReloadLogsInByTheNewSshHostsTest {
    @TempDir
    Path dir;

    @Test
    void aSessionAcceptedBeforeReloadLogsInThroughItsOwnSshHost() throws Exception {
        try (ReloadRig rig = ReloadRig.start(dir)) {
            rig.write(rig.sshHost("GW", "") + rig.ftpRule("ACTION(FTPTUNNEL) VIA(GW)")).startBroker();

            Rig.FtpClient client = rig.connect();
            try {
                assertThat(client.user(Rig.USER)).as(client.getReplyString()).isEqualTo(331);

                rig.write(rig.sshHost("GW2", "") + rig.ftpRule("ACTION(FTPTUNNEL) VIA(GW2)"));
                assertThat(rig.command("RELOAD")).contains("FTB0304I", "FTB0308I RELOAD: SSHHOST GW ");

                String reply;
                try {
                    client.pass(Rig.PASSWORD);
                    reply = client.getReplyString().strip();
                } catch (FTPConnectionClosedException e) {
                    reply = client.getReplyString().strip();
                }
                assertThat(reply).as("the reply to PASS; the broker said: %s", rig.log.withId("FTB0234E")).startsWith("230");
                client.enterLocalPassiveMode();
                assertThat(client.listNames()).as(client.getReplyString()).isNotNull();
            } finally {
                client.disconnect();
            }
        }
    }
}

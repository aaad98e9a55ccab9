package org.ftb.regression;

import org.ftb.auth.UserDirectory;
import org.ftb.testing.TestSshServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack (operator turns SOCKS authentication on by RELOAD while FTP sessions run): an FTP client
 * (Commons Net through the JDK's SOCKS client) is logged in through the broker, which runs SOCKS
 * AUTH(NONE). The operator RELOADs a configuration with {@code SOCKS AUTH(USERPASS) USERS(...)
 * VERSIONS(5)}, everything else unchanged. The session then lists its directory (a passive data
 * connection through SOCKS).
 *
 * <p>Observed: the listing fails. The data connection is a new SOCKS connection and gets the new
 * generation: the broker demands a SOCKS login, which the client of a session started without one does
 * not have; so every FTP session under way breaks at its next transfer. The same happens to the
 * sessions of a user whose password a RELOAD of the USERS file changes: their data connections log in
 * with the old password and are checked against the new file.
 *
 * <p>Correct behaviour (issue 9: "existing sessions finish under the rules they started with", as DRAIN
 * already lets their data connections in): a data connection of a session under way is admitted by that
 * session's own generation, so the listing succeeds; new sessions need the SOCKS login.
 */
@Timeout(60)
class Fault53ReloadToUserPassBreaksTheDataConnectionsOfSessionsUnderWayTest {
    @TempDir
    Path dir;

    @Test
    void aSessionUnderWayStillListsAfterReloadTurnsOnSocksLogins() throws Exception {
        try (ReloadRig rig = ReloadRig.start(dir)) {
            Files.writeString(rig.home.resolve("payroll.txt"), "x");
            String rest = rig.sshHost("GW", "") + rig.ftpRule("ACTION(FTPTUNNEL) VIA(GW)");
            rig.write(rest).startBroker();
            Rig.FtpClient old = rig.login();
            try {
                assertThat(old.listNames()).contains("payroll.txt");

                Path users = dir.resolve("socks-users");
                TestSshServer.writeSecret(users, UserDirectory.entry("batch", "socks-Pa55".toCharArray(), 10_000) + "\n");
                Files.writeString(rig.config, "SOCKS LISTEN(127.0.0.1:" + rig.socksPort + ") AUTH(USERPASS) USERS('" + users
                        + "') VERSIONS(5)\n" + rest);
                assertThat(rig.command("RELOAD")).startsWith("FTB0304I");

                String[] names;
                try {
                    names = old.listNames();
                } catch (IOException e) {
                    names = null;
                }
                assertThat(names).as("the listing of the session under way (%s); the broker said: %s", old.getReplyString().strip(),
                        rig.log.lines().stream().filter(l -> l.startsWith("FTB02") && !l.startsWith("FTB0200I")).toList())
                        .isNotNull().contains("payroll.txt");

                // While that session lasts its configuration lets SOCKS connections without a login in, for
                // its data connections only: a new session without one is refused.
                try (java.net.Socket fresh = org.ftb.testing.SocksClient.open(rig.socksPort)) {
                    byte[] reply = org.ftb.testing.SocksClient.v5(fresh,
                            org.ftb.testing.Bytes.v5Ipv4(1, org.ftb.testing.SocksClient.loopback(), rig.ftp.port()));
                    assertThat(reply[1]).as("SOCKS reply: not allowed").isEqualTo((byte) 2);
                }
                assertThat(rig.log.withId("FTB0247W")).singleElement().asString()
                        .contains("refused: SOCKS AUTH(USERPASS) needs a SOCKS login");
            } finally {
                old.disconnect();
            }
        }
    }
}

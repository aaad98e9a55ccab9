package org.ftb.regression;

import org.apache.commons.net.ftp.FTPConnectionClosedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack (operator shortening the wait for a hung SSH host): SSHHOST GW accepts TCP connections but never
 * speaks SSH, and FTP users wait {@code 2 x CONNECTTIMEOUT} for their 421. The operator changes
 * {@code BROKER CONNECTTIMEOUT(20)} to {@code CONNECTTIMEOUT(1)} and RELOADs: FTB0304I says it is in
 * force, and DISPLAY CONFIG shows CONNECTTIMEOUT(1). A new FTP session then logs in.
 *
 * <p>Observed: the new session still waits the start's 20 s for its 421 (FTB0234E "SSH key exchange with
 * ... failed: Session is being closed", MINA's AUTH_TIMEOUT). SshTunnels (its OpenBound, twice
 * CONNECTTIMEOUT) and SshLogins (MINA's IO_CONNECT_TIMEOUT and AUTH_TIMEOUT of every SSH client) take
 * CONNECTTIMEOUT once, at the start; RELOAD never passes the new value on, and no FTB0309W says that it
 * takes effect only at a restart.
 *
 * <p>Correct behaviour (docs/operations.md, RELOAD: "Connections accepted from now on live by the new
 * configuration: RULE, SOCKS (...), SSHHOST and BROKER"): the new session's SSH login is given up within
 * 2 x 1 s (the test allows 10 s); or, if the SSH timeouts stay as they started, RELOAD says so
 * (FTB0309W) and DISPLAY does not claim otherwise.
 */
@Timeout(90)
class Fault58ReloadedConnectTimeoutNeverReachesSshLoginsTest {
    @TempDir
    Path dir;

    @Test
    void aReloadedConnectTimeoutBoundsTheNextSshLogin() throws Exception {
        try (ReloadRig rig = ReloadRig.start(dir);
             ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path knownHosts = Files.writeString(dir.resolve("silent_known_hosts"), "");
            String rest = "SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + silent.getLocalPort() + ") KNOWNHOSTS('" + knownHosts + "')\n"
                    + rig.ftpRule("ACTION(FTPTUNNEL) VIA(GW)");
            rig.write("BROKER CONNECTTIMEOUT(20)\n" + rest).startBroker();
            rig.write("BROKER CONNECTTIMEOUT(1)\n" + rest);
            assertThat(rig.command("RELOAD")).startsWith("FTB0304I").doesNotContain("FTB0309W");
            assertThat(rig.command("D CONFIG")).contains("CONNECTTIMEOUT(1)");

            Rig.FtpClient client = rig.connect();
            try {
                assertThat(client.user(Rig.USER)).isEqualTo(331);
                long start = System.nanoTime();
                try {
                    client.pass(Rig.PASSWORD);
                } catch (FTPConnectionClosedException e) {
                    // the 421 that ends the session
                }
                assertThat(client.getReplyString()).startsWith("421");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the wait for the 421; the broker said: %s",
                        rig.log.withId("FTB0234E")).isLessThan(Duration.ofSeconds(10));
            } finally {
                client.disconnect();
            }
        }
    }
}

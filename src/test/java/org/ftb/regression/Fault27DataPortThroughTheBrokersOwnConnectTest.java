package org.ftb.regression;

import org.ftb.testing.Bytes;
import org.ftb.testing.SocksClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Socket;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7 finding 1, attacked: the data-port owner check recognises a SOCKS CONNECT as a claim only
 * when it names the port by the DATA address (or the session's hosts). {@code 0.0.0.0} and the
 * IPv4-mapped {@code ::ffff:127.0.0.1} reach the same 127.0.0.1 listener on Linux but are not
 * recognised; a DIRECT rule that allows them (here {@code DEST(*)}) makes the broker connect to its
 * own DATA port. That connection comes straight to the port from 127.0.0.1 with the broker's own uid,
 * so it passes the address and uid checks and skips the SOCKS-user check: another local user (or
 * another SOCKS user) receives the victim's file whenever the victim runs under the broker's uid.
 */
@Timeout(120)
class Fault27DataPortThroughTheBrokersOwnConnectTest {
    @TempDir
    Path dir;
    private DataPortRig rig;

    @AfterEach
    void tearDown() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    private void start() throws Exception {
        rig = new DataPortRig(dir, 256 * 1024, "", "RULE NAME(OUT) DEST(*) ACTION(DIRECT)\n");
    }

    /** Another SOCKS user in the same JVM (the victim gave SOCKS 4 USERID alice; the thief gives none). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0.0.0.0", "::ffff:127.0.0.1"})
    void anotherSocksUserCannotReachTheDataPortByAnotherNameForTheDataAddress(String name) throws Exception {
        start();
        Socket control = SocksClient.open(rig.broker.port());
        SocksClient.send(control, Bytes.v4(1, SocksClient.loopback(), rig.ftp.port(), "alice"));
        assertThat(SocksClient.read(control, 8)[1]).isEqualTo((byte) 90);
        try (FtpRig.Control victim = new FtpRig.Control(control)) {
            int port = DataPortRig.loginAndPasv(victim);
            Socket thief = SocksClient.open(rig.broker.port());
            byte[] reply = SocksClient.v5(thief, request(name, port));
            byte[] stolen = new byte[0];
            if (reply[1] == 0) {
                victim.send("RETR victim.bin"); // the victim goes on, as its job would
                thief.setSoTimeout(10_000);
                stolen = thief.getInputStream().readAllBytes();
            }
            thief.close();
            assertThat(Rig.sha256(stolen)).as("the thief must not get the victim's file (SOCKS reply %d, %d bytes)", reply[1], stolen.length)
                    .isNotEqualTo(Rig.sha256(rig.content));
            assertThat(reply[1]).as("SOCKS reply to the thief").isNotEqualTo((byte) 0);
        }
    }

    /** Another local user (uid 65534), from bash's /dev/tcp: SOCKS 5 CONNECT to the DATA port by another name. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0.0.0.0", "::ffff:127.0.0.1"})
    void anotherLocalUserCannotReachTheDataPortByAnotherNameForTheDataAddress(String name) throws Exception {
        Assumptions.assumeTrue(DataPortRig.canActAsOtherUser(), "needs root and setpriv to act as another local user");
        start();
        Socket control = SocksClient.open(rig.broker.port());
        assertThat(SocksClient.v5(control, Bytes.v5Ipv4(1, SocksClient.loopback(), rig.ftp.port()))).startsWith(5, 0);
        try (FtpRig.Control victim = new FtpRig.Control(control)) {
            int port = DataPortRig.loginAndPasv(victim);
            StringBuilder hex = new StringBuilder();
            for (byte b : request(name, port)) {
                hex.append(String.format("\\x%02x", b & 0xFF));
            }
            // The victim's RETR goes out while the thief waits for its data, as its job would.
            Thread victimGoesOn = new Thread(() -> {
                try {
                    Thread.sleep(1500);
                    victim.send("RETR victim.bin");
                } catch (Exception e) {
                    // the victim's control connection is checked by the test's own reads
                }
            });
            victimGoesOn.start();
            byte[] read = DataPortRig.asOtherUser("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + rig.broker.port()
                    + " || exit 9; printf '\\x05\\x01\\x00' >&3; sleep 0.3; printf '" + hex + "' >&3; timeout 10 cat <&3");
            victimGoesOn.join();
            // 2 bytes of method reply, then the SOCKS reply; anything past 2 + 10 or 2 + 22 is file data.
            int header = read.length > 5 && read[5] == 4 ? 2 + 22 : 2 + 10;
            byte[] data = read.length > header ? java.util.Arrays.copyOfRange(read, header, read.length) : new byte[0];
            assertThat(Rig.sha256(data)).as("uid 65534 must not read the victim's file (%d bytes read)", data.length)
                    .isNotEqualTo(Rig.sha256(rig.content));
        }
    }

    private static byte[] request(String name, int port) {
        if (name.indexOf(':') < 0) {
            return Bytes.v5Ipv4(1, new int[]{0, 0, 0, 0}, port);
        }
        return Bytes.of(5, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1).port(port).get();
    }
}

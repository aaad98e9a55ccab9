package org.ftb.regression;

import org.ftb.testing.Bytes;
import org.ftb.testing.SocksClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7 finding 1, attacked: the owner check reads the claimant's uid from /proc/net/tcp, but a
 * socket whose process has already closed it (orphaned, FIN_WAIT) is listed there with uid 0 and
 * inode 0. Another local user (uid 65534) that connects to a root session's DATA port, writes and
 * closes at once is taken for uid 0 whenever the broker looks after the close: the claim is accepted,
 * the port is used up and the owner's own data connection is refused; the bytes it wrote go to the
 * server as the session's data.
 */
@Timeout(120)
class Fault29ClosedSocketLooksLikeRootTest {
    @TempDir
    Path dir;
    private DataPortRig rig;

    @AfterEach
    void tearDown() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aSocketClosedByAnotherUserIsNotTakenForTheRootOwner() throws Exception {
        Assumptions.assumeTrue(DataPortRig.canActAsOtherUser() && Files.isExecutable(Path.of("/usr/bin/python3")),
                "needs root (a root session), setpriv and /usr/bin/python3 to act as another local user");
        rig = new DataPortRig(dir, 64 * 1024, "", "");
        Socket control = SocksClient.open(rig.broker.port());
        assertThat(SocksClient.v5(control, Bytes.v5Ipv4(1, SocksClient.loopback(), rig.ftp.port()))).startsWith(5, 0);
        try (FtpRig.Control victim = new FtpRig.Control(control)) {
            int port = DataPortRig.loginAndPasv(victim);

            // uid 65534, 8 threads for 5 s: connect, write, close at once; the port goes if one is taken for uid 0.
            String attack = "import socket,threading,time\n"
                    + "end=time.time()+5\n"
                    + "def go():\n"
                    + "    while time.time()<end:\n"
                    + "        s=socket.socket(); s.setblocking(False)\n"
                    + "        try:\n"
                    + "            s.connect_ex(('127.0.0.1'," + port + ")); time.sleep(0.0003)\n"
                    + "            try: s.send(b'INJECTED-BY-NOBODY')\n"
                    + "            except OSError: pass\n"
                    + "        finally: s.close()\n"
                    + "t=[threading.Thread(target=go) for _ in range(8)]\n[x.start() for x in t]; [x.join() for x in t]\n";
            DataPortRig.asOtherUser("/usr/bin/python3", "-c", attack);
            Thread.sleep(500);
            assertThat(rig.log.withId("FTB0200I")).as("a data connection of the session accepted from the other user")
                    .noneMatch(l -> l.contains("proto=DATA") && l.contains("result=OK"));

            Socket data = SocksClient.open(rig.broker.port());
            byte[] reply = SocksClient.v5(data, Bytes.v5Ipv4(1, SocksClient.loopback(), port));
            assertThat(reply[1]).as("SOCKS reply to the owner's own data connection").isEqualTo((byte) 0);
            victim.send("STOR upload.bin");
            assertThat(victim.line()).startsWith("150");
            OutputStream out = data.getOutputStream();
            out.write(rig.content);
            data.shutdownOutput();
            data.getInputStream().readAllBytes();
            data.close();
            assertThat(victim.line()).startsWith("226");
            assertThat(new String(Files.readAllBytes(rig.home.resolve("upload.bin")), StandardCharsets.ISO_8859_1)).doesNotContain("INJECTED");
        }
    }
}

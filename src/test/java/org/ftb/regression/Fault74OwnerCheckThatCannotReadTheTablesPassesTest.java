package org.ftb.regression;

import org.ftb.testing.Bytes;
import org.ftb.testing.OtherUser;
import org.ftb.testing.SocksClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break-it pass on b5dce7a (the claimant's and the session's owners from one pass of /proc/net/tcp).
 *
 * <p><b>Attack:</b> another local user (uid 65534) opens a SOCKS connection to the broker and, at a moment
 * when the broker cannot open /proc/net/tcp, sends a CONNECT for a root session's announced data port
 * (its first data connection, so the session's owner is not cached yet). Here the broker's process has
 * no file descriptor left (its limit lowered with prlimit and the rest taken, as Descriptors does): what
 * a broker at its RLIMIT_NOFILE under a connection flood looks like. Any other failure of the read (an
 * interrupted worker, an unreadable or vanished table) has the same effect.
 *
 * <p><b>Observed:</b> the failed read answers "unknown" for every connection of the pass, the claimant's
 * and the session's alike; unknown equals unknown, and {@code DataOwnership} lets the claim through: no
 * FTB0231W, the other user gets SOCKS success, holds the port as the session's data connection
 * ({@code action=FTPDATA(C1)}) and receives all of the session's RETR. The same held before b5dce7a, when
 * both of two failed reads answered unknown; now one failed read is all it takes, and the comment in
 * {@code ProcNetTcp.ownersOf} says an unknown owner "refuses the connection", which it does not.
 *
 * <p><b>Correct:</b> an owner the broker could not read is not the same as "a socket of another host":
 * the claim is refused (FTB0231W, the port stays open to its owner) and the owner's own data connection
 * then carries the file.
 */
@Timeout(180)
class Fault74OwnerCheckThatCannotReadTheTablesPassesTest {
    /**
     * The other user's claim of data port argv[1] through the SOCKS port argv[2]: the greeting at once,
     * the CONNECT once told to on its standard input; then the reply, and whatever the port carries.
     */
    private static final String CLAIM = String.join("\n",
            "import socket,sys",
            "P=int(sys.argv[1]); B=int(sys.argv[2])",
            "s=socket.create_connection(('127.0.0.1',B),timeout=10)",
            "s.sendall(bytes([5,1,0])); assert s.recv(2)==bytes([5,0])",
            "print(s.getsockname()[1],flush=True)",
            "sys.stdin.readline()",
            "s.sendall(bytes([5,1,0,1,127,0,0,1])+P.to_bytes(2,'big'))",
            "s.settimeout(15); r=b''",
            "try:",
            "    while len(r)<10:",
            "        d=s.recv(10-len(r))",
            "        if not d: break",
            "        r+=d",
            "except OSError: pass",
            "print('REPLY',r.hex(),flush=True)",
            "n=0; how='end'",
            "if len(r)>=2 and r[1]==0:",
            "    try:",
            "        while True:",
            "            d=s.recv(65536)",
            "            if not d: break",
            "            n+=len(d)",
            "    except OSError as e: how=e.__class__.__name__",
            "print('GOT',n,how,flush=True)",
            "");

    @TempDir
    Path dir;
    private DataPortRig rig;
    private Process attacker;
    private Descriptors descriptors;

    @AfterEach
    void tearDown() throws Exception {
        if (descriptors != null) {
            descriptors.release();
        }
        if (attacker != null) {
            attacker.destroyForcibly();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aClaimWhoseOwnerCouldNotBeReadIsRefused() throws Exception {
        Assumptions.assumeTrue(OtherUser.available() && Files.isExecutable(Path.of("/usr/bin/python3")) && Descriptors.available(),
                "needs root, setpriv, /usr/bin/python3 and prlimit");
        rig = new DataPortRig(dir, 256 * 1024, "", "");
        Socket control = SocksClient.open(rig.broker.port());
        assertThat(SocksClient.v5(control, Bytes.v5Ipv4(1, SocksClient.loopback(), rig.ftp.port()))).startsWith(5, 0);
        try (FtpRig.Control victim = new FtpRig.Control(control)) {
            int port = DataPortRig.loginAndPasv(victim);

            // Connected and past the SOCKS greeting first: this takes descriptors of this JVM, and the broker's accept one.
            attacker = OtherUser.python(OtherUser.UID, CLAIM, Integer.toString(port), Integer.toString(rig.broker.port()));
            BufferedReader said = new BufferedReader(new InputStreamReader(attacker.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream go = attacker.getOutputStream();
            String clientPort = String.valueOf(said.readLine()).trim();
            Thread.sleep(200); // the broker has read the greeting and answered it

            descriptors = new Descriptors();
            assertThat(descriptors.exhaustFiles()).as("descriptors taken").isPositive();
            go.write('\n');
            go.flush();
            Thread.sleep(300); // the check runs on a worker within milliseconds of the request
            descriptors.release();

            String reply = String.valueOf(said.readLine());
            await(Duration.ofSeconds(5), () -> !refusals(port).isEmpty() || !audit(clientPort).isEmpty());
            String seen = "";
            if (refusals(port).isEmpty()) {
                if (reply.startsWith("REPLY 0500")) {
                    // Taken: the session's next transfer goes to whoever holds the port.
                    victim.send("RETR victim.bin");
                    seen = "; RETR: " + victim.line(Duration.ofSeconds(20)) + "; the other user " + said.readLine();
                }
                await(Duration.ofSeconds(20), () -> !audit(clientPort).isEmpty());
                seen = "; the other user's SOCKS " + reply + seen + "; its audit record: " + audit(clientPort);
            }
            assertThat(refusals(port))
                    .as("FTB0231W for the claim of uid %s from 127.0.0.1:%s, checked while the broker could not open /proc/net/tcp%s",
                            OtherUser.UID, clientPort, seen)
                    .isNotEmpty();

            try (Socket data = SocksClient.open(rig.broker.port())) {
                assertThat(SocksClient.v5(data, Bytes.v5Ipv4(1, SocksClient.loopback(), port))[1])
                        .as("SOCKS reply to the owner's own data connection").isEqualTo((byte) 0);
                victim.send("RETR victim.bin");
                assertThat(victim.line()).startsWith("150");
                assertThat(Rig.sha256(data.getInputStream().readAllBytes())).isEqualTo(Rig.sha256(rig.content));
            }
            assertThat(victim.line()).startsWith("226");
        }
    }

    private List<String> refusals(int port) {
        return rig.log.withId("FTB0231W").stream().filter(l -> l.contains("data port " + port + " refused")).toList();
    }

    private List<String> audit(String clientPort) {
        return rig.log.withId("FTB0200I").stream().filter(l -> l.contains("client=127.0.0.1:" + clientPort + " ")).toList();
    }

    private static void await(Duration limit, java.util.function.BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(50);
        }
    }
}

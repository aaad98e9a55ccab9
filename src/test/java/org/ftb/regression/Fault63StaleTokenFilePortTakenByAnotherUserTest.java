package org.ftb.regression;

import org.assertj.core.api.SoftAssertions;
import org.ftb.cli.Main;
import org.ftb.console.CommandDispatcher;
import org.ftb.control.ControlServer;
import org.ftb.logging.LogSetup;
import org.ftb.message.MessageLog;
import org.ftb.platform.Platform;
import org.ftb.testing.OtherUser;
import org.ftb.testing.TestBroker;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Attack (a hostile local user, where the endpoint is loopback TCP and a token file): the broker was
 * killed (kill -9, a crash, out of heap) and left its token file, {@code tcp 127.0.0.1 PORT TOKEN}.
 * Another local user binds that port on loopback and answers every connection with a response line
 * and the end line.
 *
 * <p>Observed: nothing checks who listens on the port before the token and the command go there.
 * The next start's ControlServer.clearLeftOver probes it, gets an answer, and refuses to start the
 * endpoint with AlreadyRunning (the broker stops at once, FTB0323E, RC 12: a restart under systemd
 * fails every time while the other user holds the port). {@code ftb ctl} sends the token and the command to
 * the other user's program and prints whatever it answers, RC 0 (a forged DISPLAY here; a STOP that
 * "worked"). The service checks its peer's uid from /proc/net/tcp; the client and the start's probe
 * never check the listener's.
 *
 * <p>Correct behaviour: a port that another user listens on is no service of this user's: ftb ctl
 * says nothing answers (FTB0330E, RC 16) without sending the command, and the start replaces the
 * token file as left over and opens its endpoint.
 */
@Timeout(90)
class Fault63StaleTokenFilePortTakenByAnotherUserTest {
    /** Answers every connection with a forged response, as another user's program may. */
    private static final String FORGER = "import socket,sys\n"
            + "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            + "s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(8)\n"
            + "while True:\n"
            + "    c,_=s.accept()\n"
            + "    try:\n        c.recv(4096); c.sendall(b'FTB0310I FTB DISPLAY forged ACTIVE\\n\\x04\\n')\n"
            + "    except OSError:\n        pass\n"
            + "    c.close()\n";

    @TempDir
    Path dir;

    @Test
    void aPortAnotherUserTookIsNoServiceOfThisUsers() throws Exception {
        Assumptions.assumeTrue(OtherUser.available() && Files.isExecutable(Path.of("/usr/bin/python3")),
                "needs root, setpriv and /usr/bin/python3 to act as another local user");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path endpoint = Files.createDirectories(dir.resolve("ctl"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------"))).resolve("broker");
        // What a killed broker leaves: its token file, owner-only.
        Files.writeString(endpoint, "tcp 127.0.0.1 " + port + " " + "ab".repeat(32) + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(endpoint, PosixFilePermissions.fromString("rw-------"));

        Process forger = new ProcessBuilder("setpriv", "--reuid=" + OtherUser.UID, "--regid=" + OtherUser.UID, "--clear-groups",
                "/usr/bin/python3", "-c", FORGER, Integer.toString(port)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        MessageLog messages = new MessageLog(LoggerFactory.getLogger(LogSetup.BROKER_LOGGER));
        try (TestBroker broker = TestBroker.start("RULE NAME(ALL) ACTION(DENY)")) {
            await().atMost(20, TimeUnit.SECONDS).ignoreExceptions().until(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                    return true;
                }
            });
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int rc = Main.commandLine(Platform.detect()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                    .execute("ctl", "--endpoint", endpoint.toString(), "DISPLAY");

            SoftAssertions.assertSoftly(softly -> {
                softly.assertThat(out.toString()).as("what ftb ctl printed as the broker's response").isEmpty();
                softly.assertThat(rc).as("ftb ctl's RC").isEqualTo(16);
                softly.assertThatCode(() -> ControlServer.open(endpoint, ControlServer.Transport.TCP,
                        CommandDispatcher.standard(broker.broker(), messages), messages).close())
                        .as("the next start's endpoint").doesNotThrowAnyException();
            });
        } finally {
            forger.destroy();
            forger.waitFor(10, TimeUnit.SECONDS);
        }
    }
}

package org.ftb.cli;

import org.ftb.config.ConfigFixtures;
import org.ftb.config.ConfigLoader;
import org.ftb.config.ConfigSource;
import org.ftb.config.Symbols;
import org.ftb.console.CommandDispatcher;
import org.ftb.control.ControlPath;
import org.ftb.control.ControlServer;
import org.ftb.logging.LogSetup;
import org.ftb.message.MessageLog;
import org.ftb.platform.DataSet;
import org.ftb.platform.Platform;
import org.ftb.testing.AppliedLog;
import org.ftb.testing.LogCapture;
import org.ftb.testing.OtherUser;
import org.ftb.testing.TestBroker;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, consoles: {@code ftb ctl} against services run as {@code ftb broker} and {@code ftb gateway}
 * run them, in this JVM, over real sockets; and the control endpoint's refusals.
 */
@Timeout(120)
class CtlTest {
    private static final String USER = System.getProperty("user.name");
    /** The end of a response on the wire: see ControlServer. */
    private static final String END = "\u0004";
    /**
     * Prints the response to what was sent, up to its end line, as ftb ctl reads it; a refusal may come
     * before the request was read, so a failed send is no failure.
     */
    private static final String PYTHON_RESPONSE = "try:\n    s.sendall(request.encode())\nexcept OSError:\n    pass\n"
            + "for line in s.makefile(encoding='utf-8'):\n    print(line, end='')\n    if line == '\\x04\\n': break\n";
    /** Connects to a Unix domain socket and sends DISPLAY, or prints the error of the connect. */
    private static final String PYTHON_UNIX_CLIENT = "import socket,sys\n"
            + "s=socket.socket(socket.AF_UNIX)\n"
            + "try:\n    s.connect(sys.argv[1])\nexcept OSError as e:\n    print(type(e).__name__); sys.exit(0)\n"
            + "request='DISPLAY\\n'\n" + PYTHON_RESPONSE;

    @TempDir
    Path dir;

    private record Run(int rc, String out, String err) {
    }

    private static Run ftb(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.commandLine(Platform.detect()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    /**
     * {@code ftb broker} or {@code ftb gateway} running in this JVM as from a shell, its standard input a
     * pipe that only the test's thread writes to (a pipe breaks when the thread that last wrote ends).
     */
    private static final class Service implements AutoCloseable {
        private final PipedOutputStream stdin = new PipedOutputStream();
        private final InputStream savedStdin = System.in;
        private final CompletableFuture<Run> run;

        /** Starts the service and waits until its endpoint is open (FTB0320I), or was not (FTB0322E). */
        Service(Path log, String... args) throws Exception {
            System.setIn(new PipedInputStream(stdin));
            run = CompletableFuture.supplyAsync(() -> ftb(args));
            try {
                await().atMost(30, TimeUnit.SECONDS).until(() -> run.isDone() || logged(log, "FTB032[02][IE]"));
            } catch (RuntimeException e) {
                // A service left running would hold its endpoint and port for the tests after this one.
                close();
                throw e;
            }
        }

        /** Sends STOP on standard input, unless it has ended, and returns its outcome. */
        Run stop() throws Exception {
            if (!run.isDone()) {
                stdin.write("STOP\n".getBytes(StandardCharsets.US_ASCII));
                stdin.flush();
            }
            return ended();
        }

        /** Its outcome, once it has stopped. */
        Run ended() throws Exception {
            return run.get(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            try {
                stop();
            } finally {
                stdin.close();
                System.setIn(savedStdin);
            }
        }
    }

    private static boolean logged(Path log, String idPattern) throws IOException {
        return Files.exists(log) && Files.readAllLines(log).stream().anyMatch(l -> l.matches("\\S+ \\S+ " + idPattern + " .*"));
    }

    /** The text of the log lines of one message, without their time stamps. */
    private static List<String> logLines(Path log, String id) throws IOException {
        return Files.readAllLines(log).stream().map(l -> l.replaceFirst("^\\S+ \\S+ ", "")).filter(l -> l.startsWith(id)).toList();
    }

    /** The endpoint FTB0320I named. */
    private static Path endpoint(Path log) throws IOException {
        Matcher m = Pattern.compile("FTB0320I ftb ctl endpoint ready: Unix domain socket (\\S+), for user (\\S+) only")
                .matcher(logLines(log, "FTB0320I").get(0));
        assertThat(m.matches()).isTrue();
        assertThat(m.group(2)).isEqualTo(USER);
        return Path.of(m.group(1));
    }

    private Path brokerConfig(String name, int port, String extra) throws IOException {
        Path config = dir.resolve(name);
        Files.writeString(config, "SOCKS LISTEN(127.0.0.1:" + port + ")\nRULE NAME(ALL) ACTION(DENY)\nLOG FILE('ftb.log')\n" + extra);
        return config;
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    private static boolean isSocket(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
    }

    @Test
    void ctlCarriesCommandsToTheBrokerOfTheSameConfigurationAndTheResponsesBack() throws Exception {
        int port = CliTest.freePort();
        Path config = brokerConfig("ftbprm.txt", port, "");
        Path log = dir.resolve("ftb.log");
        Path endpoint;
        try (AppliedLog applied = AppliedLog.undoOnClose(); Service broker = new Service(log, "broker", "--config", config.toString())) {
            endpoint = endpoint(log);
            // Named for the configuration, in a private directory of the user's under java.io.tmpdir.
            assertThat(endpoint.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath()
                    .resolve("ftb-" + USER));
            assertThat(endpoint.getFileName().toString()).matches("broker-[0-9a-f]{12}");
            assertThat(permissions(endpoint.getParent())).isEqualTo("rwx------");
            assertThat(permissions(endpoint)).isEqualTo("rw-------");
            assertThat(isSocket(endpoint)).isTrue();

            // The same file named another way finds the same broker.
            String sameConfig = dir.resolve("sub").resolve("..").resolve("ftbprm.txt").toString();
            Files.createDirectories(dir.resolve("sub"));
            Run display = ftb("ctl", "--config", sameConfig, "DISPLAY");
            assertThat(display.rc()).as(display.err()).isZero();
            assertThat(display.out()).startsWith("FTB0310I FTB DISPLAY ").contains(" LISTEN   127.0.0.1:" + port + "\n");
            Run help = ftb("ctl", "--config", config.toString(), "help");
            assertThat(help.rc()).isZero();
            assertThat(help.out()).startsWith("FTB0311I FTB COMMANDS").contains(" DISPLAY ", " STOP ");
            Run unknown = ftb("ctl", "--config", config.toString(), "FROBNICATE", "NOW");
            assertThat(unknown.rc()).isEqualTo(8);
            assertThat(unknown.out()).isEqualTo("FTB0301E Unknown command FROBNICATE; HELP lists the commands\n");
            assertThat(logLines(log, "FTB0300I")).containsExactly("FTB0300I Command from ctl user=" + USER + ": DISPLAY",
                    "FTB0300I Command from ctl user=" + USER + ": HELP", "FTB0300I Command from ctl user=" + USER + ": FROBNICATE NOW");

            Run stop = ftb("ctl", "--config", config.toString(), "STOP");
            assertThat(stop.rc()).as(stop.out() + stop.err()).isZero();
            assertThat(broker.ended().rc()).isZero();
            assertThat(logLines(log, "FTB0004I")).singleElement().asString().startsWith("FTB0004I STOP from ctl user=" + USER + ":");
        }
        assertThat(endpoint).doesNotExist();
        Run none = ftb("ctl", "--config", config.toString(), "DISPLAY");
        assertThat(none.rc()).isEqualTo(16);
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).isEqualTo("FTB0330E Nothing answers at ftb ctl endpoint " + endpoint + ": there is no such file;"
                + " the broker (or ftb gateway) may not be running, or runs with another configuration or CONTROL\n");
    }

    @Test
    void aSocketLeftByACrashedBrokerIsReplacedButALiveBrokerStopsASecondStart() throws Exception {
        int port = CliTest.freePort();
        Path endpoint = dir.resolve("private").resolve("broker");
        Path config = brokerConfig("ftbprm.txt", port, "BROKER CONTROL('private/broker')\n");
        Files.createDirectories(endpoint.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        // What a broker that was killed leaves: the socket file, with nothing listening on it.
        ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(endpoint)).close();
        assertThat(isSocket(endpoint)).isTrue();
        Run left = ftb("ctl", "--config", config.toString(), "DISPLAY");
        assertThat(left.rc()).isEqualTo(16);
        assertThat(left.err()).startsWith("FTB0330E Nothing answers at ftb ctl endpoint " + endpoint + ": nothing listens there (");

        Path log = dir.resolve("ftb.log");
        try (AppliedLog applied = AppliedLog.undoOnClose(); Service first = new Service(log, "broker", "--config", config.toString())) {
            assertThat(endpoint(log)).isEqualTo(endpoint);
            assertThat(ftb("ctl", "--config", config.toString(), "DISPLAY").out()).contains("LISTEN   127.0.0.1:" + port);

            int otherPort = CliTest.freePort();
            brokerConfig("ftbprm.txt", otherPort, "BROKER CONTROL('private/broker')\n");
            Run second = ftb("broker", "--config", config.toString());
            assertThat(second.rc()).isEqualTo(12);
            assertThat(logLines(log, "FTB0323E")).containsExactly("FTB0323E Another service answers at ftb ctl endpoint " + endpoint
                    + ": one already runs with this configuration; this one stops");
            assertThat(logLines(log, "FTB0002I")).containsExactly("FTB0002I SOCKS listener ready on 127.0.0.1:" + port,
                    "FTB0002I SOCKS listener ready on 127.0.0.1:" + otherPort);
            assertThat(logLines(log, "FTB0005I")).as("the second broker stopped").hasSize(1);

            Run display = ftb("ctl", "--config", config.toString(), "DISPLAY");
            assertThat(display.rc()).isZero();
            assertThat(display.out()).as("the first broker still answers").contains("LISTEN   127.0.0.1:" + port + "\n")
                    .doesNotContain(Integer.toString(otherPort));
            assertThat(first.stop().rc()).isZero();
        }
        assertThat(endpoint).doesNotExist();
    }

    @Test
    void anotherLocalUserIsRefusedByThePermissionsAndWhereItGetsThroughByItsUser() throws Exception {
        Assumptions.assumeTrue(OtherUser.available() && Files.isExecutable(Path.of("/usr/bin/python3")),
                "needs root, setpriv and /usr/bin/python3 to act as another local user");
        Path config = brokerConfig("ftbprm.txt", CliTest.freePort(), "");
        Path log = dir.resolve("ftb.log");
        try (AppliedLog applied = AppliedLog.undoOnClose(); Service broker = new Service(log, "broker", "--config", config.toString())) {
            Path endpoint = endpoint(log);
            String refused = new String(OtherUser.run("/usr/bin/python3", "-c", PYTHON_UNIX_CLIENT, endpoint.toString()),
                    StandardCharsets.UTF_8);
            assertThat(refused).isEqualTo("PermissionError\n");

            // Opened up, as a careless chmod would: the broker still refuses by the peer's user.
            Files.setPosixFilePermissions(endpoint.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
            Files.setPosixFilePermissions(endpoint, PosixFilePermissions.fromString("rw-rw-rw-"));
            try {
                String answer = new String(OtherUser.run("/usr/bin/python3", "-c", PYTHON_UNIX_CLIENT, endpoint.toString()),
                        StandardCharsets.UTF_8);
                String refusal = "FTB0324E ftb ctl refused user=nobody: only " + USER + ", the user this service runs as, may send it commands";
                assertThat(answer).isEqualTo(refusal + "\n" + END + "\n");
                assertThat(logLines(log, "FTB0324E")).containsExactly(refusal);
                assertThat(logLines(log, "FTB0300I")).isEmpty();
            } finally {
                Files.setPosixFilePermissions(endpoint.getParent(), PosixFilePermissions.fromString("rwx------"));
            }
        }
    }

    @Test
    void whereUnixDomainSocketsAreMissingLoopbackTcpAndAnOwnerOnlyTokenFileServe() throws Exception {
        Path endpoint = dir.resolve("ctl").resolve("broker");
        try (LogCapture log = new LogCapture(); TestBroker broker = TestBroker.start("RULE NAME(ALL) ACTION(DENY)");
             ControlServer server = ControlServer.open(endpoint, ControlServer.Transport.TCP, dispatcher(broker), messages())) {
            assertThat(permissions(endpoint.getParent())).isEqualTo("rwx------");
            assertThat(permissions(endpoint)).isEqualTo("rw-------");
            String[] line = Files.readString(endpoint, StandardCharsets.US_ASCII).strip().split(" ");
            assertThat(line).hasSize(4);
            assertThat(line[0] + " " + line[1]).isEqualTo("tcp " + InetAddress.getLoopbackAddress().getHostAddress());
            assertThat(line[3]).matches("[0-9a-f]{64}");
            int port = Integer.parseInt(line[2]);
            assertThat(log.withId("FTB0321I")).containsExactly("FTB0321I ftb ctl endpoint ready: loopback TCP port " + port
                    + ", its token in " + endpoint + ", for user " + USER + " only (TCP was asked for)");

            Run display = ftb("ctl", "--endpoint", endpoint.toString(), "DISPLAY");
            assertThat(display.rc()).as(display.err()).isZero();
            assertThat(display.out()).startsWith("FTB0310I FTB DISPLAY test ACTIVE");
            assertThat(log.withId("FTB0300I")).singleElement().asString()
                    .matches("FTB0300I Command from ctl 127\\.0\\.0\\.1:\\d+( uid=\\d+)?: DISPLAY");

            String wrong = "0".repeat(64);
            assertThat(tcpExchange(port, wrong + "\nSTOP\n")).matches("FTB0325E ftb ctl refused 127\\.0\\.0\\.1:\\d+( uid=\\d+)?: wrong token\n"
                    + END + "\n");
            assertThat(log.withId("FTB0325E")).hasSize(1);
            assertThat(log.withId("FTB0300I")).as("the command after a wrong token is not run").hasSize(1);
            assertThat(broker.broker().status().stopping()).isFalse();

            if (OtherUser.available() && Files.isExecutable(Path.of("/usr/bin/python3"))) {
                // Another user who got the token still is not the broker's user, where the system tells a port's owner.
                String answer = new String(OtherUser.run("/usr/bin/python3", "-c", "import socket,sys\n"
                        + "s=socket.create_connection(('127.0.0.1', int(sys.argv[1])))\n"
                        + "request=sys.argv[2]+'\\nSTOP\\n'\n" + PYTHON_RESPONSE,
                        Integer.toString(port), line[3]), StandardCharsets.UTF_8);
                assertThat(answer).matches("FTB0324E ftb ctl refused 127\\.0\\.0\\.1:\\d+ uid=65534: only " + USER
                        + ", the user this service runs as, may send it commands\n" + END + "\n");
                assertThat(broker.broker().status().stopping()).isFalse();
            }
        }
        assertThat(endpoint).doesNotExist();
    }

    private static String tcpExchange(int port, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return response(socket.getInputStream());
        }
    }

    /** The response's lines up to its end line, as ftb ctl reads them: a refused connection may be reset after it. */
    private static String response(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = lines.readLine()) != null; ) {
            text.append(line).append('\n');
            if (line.equals(END)) {
                break;
            }
        }
        return text.toString();
    }

    private static CommandDispatcher dispatcher(TestBroker broker) {
        return CommandDispatcher.standard(broker.broker(), messages());
    }

    private static MessageLog messages() {
        return new MessageLog(LoggerFactory.getLogger(LogSetup.BROKER_LOGGER));
    }

    private static SocketChannel unixClient(Path endpoint) throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(endpoint));
    }

    private static String unixExchange(Path endpoint, String request) throws IOException {
        return unixExchange(endpoint, request.getBytes(StandardCharsets.UTF_8));
    }

    private static String unixExchange(Path endpoint, byte[] request) throws IOException {
        try (SocketChannel channel = unixClient(endpoint)) {
            channel.write(java.nio.ByteBuffer.wrap(request));
            return response(Channels.newInputStream(channel));
        }
    }

    @Test
    void aCommandTooLongOrOneConnectionTooManyIsRefusedAndTheEndpointServesOn() throws Exception {
        Path endpoint = dir.resolve("ctl").resolve("broker");
        try (LogCapture log = new LogCapture(); TestBroker broker = TestBroker.start("RULE NAME(ALL) ACTION(DENY)");
             ControlServer server = ControlServer.open(endpoint, ControlServer.Transport.AUTO, dispatcher(broker), messages())) {
            assertThat(unixExchange(endpoint, "D".repeat(1000) + "\n")).isEqualTo("FTB0327E ftb ctl refused user=" + USER
                    + ": the command is longer than 256 characters\n" + END + "\n");
            assertThat(unixExchange(endpoint, "DISPLAY \u00e9\n")).isEqualTo("FTB0302E command text may hold only printable ASCII"
                    + " characters\n" + END + "\n");
            assertThat(unixExchange(endpoint, new byte[]{'D', (byte) 0xFF, '\n'})).isEqualTo("FTB0327E ftb ctl refused user=" + USER
                    + ": the command is not UTF-8 text\n" + END + "\n");
            assertThat(unixExchange(endpoint, "\n")).as("a blank command: the end alone").isEqualTo(END + "\n");

            List<SocketChannel> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    silent.add(unixClient(endpoint));
                }
                // Refused before anything is read: the client need not have sent its command.
                assertThat(unixExchange(endpoint, new byte[0])).isEqualTo("FTB0326E ftb ctl refused user=" + USER
                        + ": 4 other connections have not sent their command yet; try again\n" + END + "\n");
                Run busy = ftb("ctl", "--endpoint", endpoint.toString(), "DISPLAY");
                assertThat(busy.rc()).isEqualTo(8);
                assertThat(busy.out()).startsWith("FTB0326E ftb ctl refused user=" + USER);
            } finally {
                for (SocketChannel channel : silent) {
                    channel.close();
                }
            }
            await().atMost(20, TimeUnit.SECONDS).untilAsserted(() ->
                    assertThat(unixExchange(endpoint, "DISPLAY\r\n")).startsWith("FTB0310I FTB DISPLAY test ACTIVE"));
            assertThat(log.withId("FTB0327E")).hasSize(2);
            assertThat(log.withId("FTB0326E")).isNotEmpty();
        }
        Run tooLong = ftb("ctl", "--endpoint", endpoint.toString(), "D".repeat(257));
        assertThat(tooLong.rc()).isEqualTo(8);
        assertThat(tooLong.err()).isEqualTo("FTB0333E Command text is longer than 256 characters; nothing was sent\n");
    }

    @Test
    void controlOperandsPlaceTheEndpointsAndFtbGatewayAnswersToo() throws Exception {
        Path users = dir.resolve("users");
        Files.write(users, List.of(org.ftb.auth.UserDirectory.entry("job1", "pw".toCharArray(), 10_000)));
        Path config = dir.resolve("gateway.txt");
        Files.writeString(config, "GATEWAY LISTEN(127.0.0.1:" + CliTest.freePort() + ") HOSTKEY('hostkey') USERS('users')"
                + " PERMIT(127.0.0.1:21) CONTROL('ctl/gateway')\nLOG FILE('ftb.log')\n");
        Path endpoint = dir.resolve("ctl").resolve("gateway");
        Run check = ftb("check", "--config", config.toString());
        assertThat(check.out()).contains(" PERMIT(127.0.0.1:21) CONTROL('" + endpoint + "')");
        Path log = dir.resolve("ftb.log");
        try (AppliedLog applied = AppliedLog.undoOnClose(); Service gateway = new Service(log, "gateway", "--config", config.toString())) {
            assertThat(endpoint(log)).isEqualTo(endpoint);
            // A configuration with GATEWAY and no RULE is a gateway's: no --gateway needed.
            Run display = ftb("ctl", "--config", config.toString(), "DISPLAY");
            assertThat(display.rc()).as(display.err()).isZero();
            assertThat(display.out()).startsWith("FTB0310I FTB DISPLAY gateway ");
            Run forced = ftb("ctl", "--config", config.toString(), "--gateway", "HELP");
            assertThat(forced.rc()).isZero();
            assertThat(forced.out()).startsWith("FTB0311I FTB COMMANDS");
            Run stop = ftb("ctl", "--endpoint", endpoint.toString(), "STOP");
            assertThat(stop.rc()).isZero();
            assertThat(gateway.ended().rc()).isZero();
        }
        assertThat(logLines(log, "FTB0507I")).singleElement().asString().startsWith("FTB0507I STOP from ctl user=" + USER);
        assertThat(endpoint).doesNotExist();
    }

    @Test
    void anEndpointDirectoryOthersMayUseIsRefusedAndTheBrokerRunsOnWithoutIt() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = brokerConfig("ftbprm.txt", CliTest.freePort(), "BROKER CONTROL('shared/broker')\n");
        Path log = dir.resolve("ftb.log");
        try (AppliedLog applied = AppliedLog.undoOnClose(); Service broker = new Service(log, "broker", "--config", config.toString())) {
            assertThat(logLines(log, "FTB0322E")).containsExactly("FTB0322E ftb ctl endpoint " + shared.resolve("broker")
                    + " cannot be opened: directory " + shared + " is not private: its permissions rwxr-xr-x let others at it;"
                    + " make it owner-only (chmod 700); ftb ctl cannot reach this service, the other consoles take commands as before");
            assertThat(ftb("ctl", "--config", config.toString(), "DISPLAY").rc()).isEqualTo(16);
            assertThat(broker.stop().rc()).as("STOP on standard input").isZero();
        }
        assertThat(shared.resolve("broker")).doesNotExist();
    }

    /** In a shared /tmp another user may make the directory first, or put a link there: neither is used. */
    @Test
    void anEndpointDirectoryThatIsALinkOrAnotherUsersIsNotUsed() throws Exception {
        Path target = Files.createDirectories(dir.resolve("target"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        try (TestBroker broker = TestBroker.start("RULE NAME(ALL) ACTION(DENY)")) {
            assertThatThrownBy(() -> ControlServer.open(link.resolve("broker"), ControlServer.Transport.AUTO, dispatcher(broker), messages()))
                    .isInstanceOf(IOException.class).hasMessage("directory " + link + " is not private: it is a symbolic link;"
                            + " remove it, or name another place");
            assertThat(target.resolve("broker")).doesNotExist();
            Assumptions.assumeTrue(OtherUser.available(), "needs root to give a directory to another user");
            Path others = Files.createDirectories(dir.resolve("others"), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Files.setOwner(others, others.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OtherUser.UID));
            assertThatThrownBy(() -> ControlServer.open(others.resolve("broker"), ControlServer.Transport.AUTO, dispatcher(broker),
                    messages())).isInstanceOf(IOException.class).hasMessageStartingWith("directory " + others
                    + " is not private: it is owned by nobody, not by " + USER + ", the user ftb runs as");
            assertThat(others.resolve("broker")).doesNotExist();
        }
    }

    /**
     * The broker and ftb ctl agree on the default endpoint however the configuration was named: a file by
     * any path to it, a data set by its DD or its name, in any case; other configurations and the gateway
     * have endpoints of their own.
     */
    @Test
    void theDefaultEndpointIsNamedForWhereTheConfigurationWasReadHoweverItWasNamed() throws IOException {
        ConfigLoader loader = new ConfigLoader(Symbols.none(), StandardCharsets.UTF_8);
        List<String> member = List.of("RULE NAME(A) ACTION(DENY)");
        Path byDd = endpointOf(loader.load("//DD:CONFIG", null, name -> new DataSet("//'ftb.parmlib(ftbprm01)'", 80, member)));
        Path byName = endpointOf(loader.load("//'FTB.PARMLIB(FTBPRM01)'", null,
                name -> new DataSet("//'FTB.PARMLIB(FTBPRM01)'", 80, member)));
        Path otherMember = endpointOf(loader.load("//DD:CONFIG", null, name -> new DataSet("//'FTB.PARMLIB(FTBPRM02)'", 80, member)));
        assertThat(byDd).isEqualTo(byName).isNotEqualTo(otherMember);

        Path file = dir.resolve("ftbprm.txt");
        Files.writeString(file, member.get(0));
        Files.createDirectories(dir.resolve("sub"));
        Path relative = Path.of("").toAbsolutePath().relativize(file);
        Path byAbsolute = endpointOf(loader.load(file.toString(), null, name -> null));
        assertThat(endpointOf(loader.load(relative.toString(), null, name -> null))).isEqualTo(byAbsolute);
        assertThat(endpointOf(loader.load(dir.resolve("sub/../ftbprm.txt").toString(), null, name -> null))).isEqualTo(byAbsolute);
        assertThat(byAbsolute).isNotEqualTo(byDd);
        assertThat(ControlPath.gateway(loader.load(file.toString(), null, name -> null).config().orElseThrow().control()))
                .isEqualTo(byAbsolute.resolveSibling(byAbsolute.getFileName().toString().replace("broker-", "gateway-")));
    }

    private static Path endpointOf(ConfigLoader.Result result) {
        return ControlPath.broker(result.config().orElseThrow(() -> new AssertionError(result.diagnostics().all())).control());
    }

    @Test
    void controlMustNameAFileByAnAbsolutePathOnceResolved() throws IOException {
        Files.createDirectories(dir.resolve("ctl"));
        assertThat(ConfigFixtures.load("BROKER CONTROL('ctl')\nRULE NAME(A) ACTION(DENY)", ConfigSource.RecordFormat.STREAM, Map.of(), dir)
                .diagnostics().all()).singleElement().asString().contains("FTB0123E line 1 column 16: CONTROL(" + dir.resolve("ctl")
                + ") is a directory");
        // A member of a data set has no directory: a relative name would mean the broker's working directory.
        assertThat(ConfigFixtures.load("BROKER CONTROL('ctl/broker')\nRULE NAME(A) ACTION(DENY)", ConfigSource.RecordFormat.STREAM,
                Map.of(), Path.of("")).diagnostics().all()).singleElement().asString()
                .contains("FTB0123E line 1 column 16: CONTROL(ctl/broker) must be an absolute path");
    }
}

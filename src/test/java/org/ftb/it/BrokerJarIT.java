package org.ftb.it;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar, run as operators run it, with curl as the SOCKS client (all four of curl's SOCKS
 * modes) and a real HTTP server behind the broker.
 */
@Timeout(120)
class BrokerJarIT {
    private static final String PAGE = "hello from behind the broker\n";
    private final Path jar = Path.of(System.getProperty("ftb.jar", "target/ftb.jar"));
    private HttpServer web;

    @BeforeEach
    void startWebServer() throws IOException {
        web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/", exchange -> {
            byte[] body = PAGE.getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        web.start();
    }

    @AfterEach
    void stopWebServer() {
        web.stop(0);
    }

    record Result(int rc, String out) {
    }

    static Result run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), out);
    }

    /** A process whose output lines are collected as they come; closing it kills what is left. */
    record Running(Process process, List<String> output, Thread reader) implements AutoCloseable {
        static Running start(List<String> command) throws IOException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> output = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        output.add(line);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
            reader.start();
            return new Running(process, output, reader);
        }

        PrintStream console() {
            return new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        void awaitLine(String text) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> output.stream().anyMatch(l -> l.contains(text)));
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            reader.join(5000);
        }
    }

    private List<String> ftb(String... args) {
        return ftbWithJvmOptions(List.of(), args);
    }

    private List<String> ftbWithJvmOptions(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /**
     * A child inherits ignored signals (a background job ignores SIGINT), and a JVM leaves an ignored
     * signal ignored; GNU env puts them back to their defaults where it can, so that every signal sent
     * reaches ftb.
     */
    static List<String> withDefaultSignals(List<String> command) throws Exception {
        List<String> probe = List.of("env", "--default-signal=HUP,INT,TERM", "true");
        if (run(probe).rc() != 0) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(probe.subList(0, 2));
        wrapped.addAll(command);
        return wrapped;
    }

    static void kill(String signal, Process process) throws Exception {
        assertThat(run(List.of("kill", "-" + signal, Long.toString(process.pid()))).rc()).isZero();
    }

    /** A stop by signal names the signal, ends with RC 0 and prints no stack trace. */
    static void assertQuietStop(Running running, String stopMessage) throws InterruptedException {
        assertThat(running.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(running.process().exitValue()).as(String.join("\n", running.output())).isZero();
        running.reader().join(5000);
        assertThat(running.output()).anyMatch(l -> l.contains(stopMessage))
                .noneMatch(l -> l.contains("Exception") || l.startsWith("\tat "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void issue6ASignalStopsTheBrokerQuietlyNamingItsOriginWithRc0(String signal, @TempDir Path dir) throws Exception {
        Path config = dir.resolve("ftbprm.txt");
        Files.writeString(config, "SOCKS LISTEN(127.0.0.1:" + freePort() + ")\nRULE NAME(REST) ACTION(DENY)\n");
        try (Running broker = Running.start(withDefaultSignals(ftb("broker", "--config", config.toString())))) {
            broker.awaitLine("FTB0003I");
            kill(signal, broker.process());
            assertQuietStop(broker, "FTB0004I STOP from SIG" + signal + ":");
            assertThat(broker.output()).anyMatch(l -> l.contains("FTB0005I Broker stopped"));
        }
    }

    /**
     * A signal that comes while the service is still starting (FTB0001I is out, FTB0003I not yet) is
     * a STOP as well: it used to end the JVM with 143, since the handlers were installed after the start.
     */
    @Test
    void issue9ASignalDuringTheStartStopsTheBrokerOnceItIsUpWithRc0(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("ftbprm.txt");
        Files.writeString(config, "SOCKS LISTEN(127.0.0.1:" + freePort() + ")\nRULE NAME(REST) ACTION(DENY)\n");
        try (Running broker = Running.start(withDefaultSignals(ftb("broker", "--config", config.toString())))) {
            broker.awaitLine("FTB0001I");
            kill("TERM", broker.process());
            assertQuietStop(broker, "FTB0004I STOP from SIGTERM:");
        }
    }

    @Test
    void issue9SighupReloadsTheConfigurationAndTheBrokerGoesOn(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("ftbprm.txt");
        int first = freePort();
        Files.writeString(config, "SOCKS LISTEN(127.0.0.1:" + first + ")\nRULE NAME(REST) ACTION(DENY)\n");
        try (Running broker = Running.start(withDefaultSignals(ftb("broker", "--config", config.toString())))) {
            broker.awaitLine("FTB0003I");
            int second = freePort();
            Files.writeString(config, "SOCKS LISTEN(127.0.0.1:" + first + " 127.0.0.1:" + second + ")\n"
                    + "RULE NAME(NEW) ACTION(DENY)\nRULE NAME(REST) ACTION(DENY)\n");
            kill("HUP", broker.process());
            broker.awaitLine("FTB0306I");
            assertThat(broker.output()).anyMatch(l -> l.contains("FTB0304I RELOAD from SIGHUP: " + config + " is in force as generation 2: 2 rule(s)"))
                    .anyMatch(l -> l.contains("FTB0306I RELOAD: listener 127.0.0.1:" + second + " opened"));
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), second)) {
                assertThat(socket.isConnected()).as("the listener RELOAD added accepts").isTrue();
            }
            Files.writeString(config, "SOCKS LISTEN(127.0.0.1:" + first + ")\nRULE NAME(REST) ACTION(BOGUS)\n");
            kill("HUP", broker.process());
            broker.awaitLine("FTB0305E");
            assertThat(broker.process().isAlive()).as("a broken configuration leaves the broker running").isTrue();
            kill("TERM", broker.process());
            assertQuietStop(broker, "FTB0004I STOP from SIGTERM:");
        }
    }

    @Test
    void issue6ASignalStopsTheGatewayQuietlyNamingItsOriginWithRc0(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("gateway.txt");
        Files.writeString(config, "GATEWAY LISTEN(127.0.0.1:" + freePort() + ") HOSTKEY('hostkey') AUTHORIZEDKEYS('keys') "
                + "PERMIT(127.0.0.1:21)\n");
        Files.createDirectories(dir.resolve("keys"));
        try (Running gateway = Running.start(withDefaultSignals(ftb("gateway", "--config", config.toString())))) {
            gateway.awaitLine("FTB0500I");
            kill("INT", gateway.process());
            assertQuietStop(gateway, "FTB0507I STOP from SIGINT:");
            assertThat(gateway.output()).anyMatch(l -> l.contains("FTB0505I Gateway stopped"));
        }
    }

    private static boolean curlAvailable() {
        try {
            return new ProcessBuilder("curl", "--version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void theDemoWorksAsPrinted() throws Exception {
        boolean required = "true".equals(System.getenv("CI"));
        Assumptions.assumeTrue(required || curlAvailable(), "curl is not installed (CI installs it and requires this test)");
        int socksPort = freePort();
        List<String> output;
        try (Running demo = Running.start(ftb("demo", "--socks-port", Integer.toString(socksPort)))) {
            output = demo.output();
            demo.awaitLine("curl ");
            String printed = output.stream().map(String::strip).filter(l -> l.startsWith("curl ")).findFirst().orElseThrow();
            List<String> command = new ArrayList<>(List.of(printed.split(" ")));
            command.addAll(1, List.of("-sS", "--max-time", "30"));
            Result curl = run(command);
            assertThat(curl.rc()).as(curl.out()).isZero();
            assertThat(curl.out()).isEqualTo("Hello from the FTP Tunnel Broker demo: this file came through an SSH tunnel.\n");
            demo.console().println("STOP");
            assertThat(demo.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(demo.process().exitValue()).isZero();
        }
        assertThat(output).anyMatch(l -> l.contains("FTB0230I") && l.contains("FTP user demo logged in"))
                .anyMatch(l -> l.contains("FTB0200I") && l.contains("action=FTPDATA"))
                .noneMatch(l -> l.contains("FTB0200I") && l.contains("demo-password"));
    }

    @Test
    void issue6TheDemoRemovesItsFolderWhenItCannotStart(@TempDir Path tmp) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result demo = run(ftbWithJvmOptions(List.of("-Djava.io.tmpdir=" + tmp), "demo", "--socks-port",
                    Integer.toString(taken.getLocalPort())));
            assertThat(demo.rc()).as(demo.out()).isEqualTo(12);
            assertThat(demo.out()).contains("FTB0006E", "Port " + taken.getLocalPort() + " is in use");
        }
        try (java.util.stream.Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("the demo's folder, with the gateway's private host key").isEmpty();
        }
    }

    @Test
    void theJarRunsAndShipsNoJzosStubs() throws Exception {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertThat(zip.stream().map(e -> e.getName()).filter(n -> n.startsWith("com/ibm/jzos"))).isEmpty();
            assertThat(zip.getEntry("org/ftb/platform/zos/ZosPlatform.class")).isNotNull();
        }
        Result help = run(ftb("--help"));
        assertThat(help.rc()).isZero();
        assertThat(help.out()).contains("broker", "check", "match", "passwd");
        assertThat(run(ftb("--version")).out()).startsWith("ftb 0.");
    }

    @Test
    void checkReturnsZeroOnTheSamplesAndEightOnABrokenMember(@TempDir Path dir) throws Exception {
        assertThat(run(ftb("check", "--config", "samples/ftbprm00.txt")).rc()).isZero();
        assertThat(run(ftb("check", "--config", "samples/ftbprm01.fb80", "--record-format", "FB80")).rc()).isZero();
        Path broken = dir.resolve("broken");
        Files.writeString(broken, "SOCKS LISTEN(127.0.0.1:80800)\nRULE NAME(X) ACTION(JUMP) PORTS(0)\n");
        Result result = run(ftb("check", "--config", broken.toString()));
        assertThat(result.rc()).isEqualTo(8);
        assertThat(result.out()).contains("FTB0118E line 1 column 14", "FTB0117E line 2 column 21", "FTB0120E line 2 column 33",
                "RC 8, 3 error(s), 0 warning(s)");
    }

    @Test
    void curlFetchesThroughTheBrokerInEverySocksModeAndDenyFailsIt(@TempDir Path dir) throws Exception {
        boolean required = "true".equals(System.getenv("CI"));
        Assumptions.assumeTrue(required || curlAvailable(), "curl is not installed (CI installs it and requires this test)");
        int proxyPort = freePort();
        int webPort = web.getAddress().getPort();
        Path config = dir.resolve("ftbprm.txt");
        Files.writeString(config, "SOCKS LISTEN(127.0.0.1:" + proxyPort + ")\n"
                + "RULE NAME(WEB) DEST(127.0.0.1 localhost) PORTS(" + webPort + ") ACTION(DIRECT)\n"
                + "RULE NAME(REST) DEST(*) ACTION(DENY)\n");
        List<String> output;
        try (Running broker = Running.start(ftb("broker", "--config", config.toString()))) {
            output = broker.output();
            broker.awaitLine("FTB0003I");
            String url = "http://localhost:" + webPort + "/index.html";
            for (String mode : List.of("--socks4", "--socks4a", "--socks5", "--socks5-hostname")) {
                Result curl = run(List.of("curl", "-sS", "--max-time", "10", mode, "127.0.0.1:" + proxyPort, url));
                assertThat(curl.rc()).as("curl %s: %s", mode, curl.out()).isZero();
                assertThat(curl.out()).as(mode).isEqualTo(PAGE);
            }
            Result denied = run(List.of("curl", "-sS", "--max-time", "10", "--socks5-hostname", "127.0.0.1:" + proxyPort,
                    "http://localhost:" + (webPort == 65535 ? 1 : webPort + 1) + "/"));
            assertThat(denied.rc()).as("curl exit code for a SOCKS refusal").isEqualTo(97);
            Result denied4 = run(List.of("curl", "-sS", "--max-time", "10", "--socks4", "127.0.0.1:" + proxyPort, "http://127.0.0.2:" + webPort + "/"));
            assertThat(denied4.rc()).isEqualTo(97);

            PrintStream console = broker.console();
            console.println("display");
            await().atMost(10, TimeUnit.SECONDS).until(() -> output.stream().anyMatch(l -> l.startsWith("FTB0310I")));
            assertThat(output).anyMatch(l -> l.contains("TOTALS   ACCEPTED 6 RELAYED 4 DENIED 2"));
            console.println("stop");
            assertThat(broker.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(broker.process().exitValue()).isZero();
        }
        assertThat(output).anyMatch(l -> l.contains("FTB0005I Broker stopped"));
        assertThat(output.stream().filter(l -> l.contains("FTB0200I"))).hasSize(6)
                .anyMatch(l -> l.contains("proto=SOCKS4A") && l.contains("dest=localhost:" + webPort) && l.contains("result=OK"))
                .anyMatch(l -> l.contains("rule=REST action=DENY") && l.contains("result=DENIED"));
    }

    /**
     * Issue 8: a listener that cannot accept (here the broker's process is out of file descriptors) is
     * action message FTB0013A, once however often it fails, and FTB0014I when it accepts again; the
     * broker then serves new clients as before.
     */
    @Test
    void issue8AListenerOutOfFileDescriptorsIsAnActionMessageUntilItAcceptsAgain(@TempDir Path dir) throws Exception {
        assumePrlimit();
        int port = freePort();
        Path config = dir.resolve("ftbprm.txt");
        Files.writeString(config, "SOCKS LISTEN(127.0.0.1:" + port + ")\nRULE NAME(REST) ACTION(DENY)\n");
        List<java.net.Socket> clients = new ArrayList<>();
        try (Running broker = Running.start(FullBroker.command(ftb("broker", "--config", config.toString())))) {
            broker.awaitLine("FTB0003I");
            try {
                for (int i = 0; i < 120; i++) {
                    clients.add(new java.net.Socket(InetAddress.getLoopbackAddress(), port));
                }
                broker.awaitLine("FTB0013A Listener 127.0.0.1:" + port + " cannot accept connections: ");
            } finally {
                for (java.net.Socket client : clients) {
                    client.close();
                }
            }
            new FullBroker(broker, port).assertAcceptsAgain();
        }
    }

    /**
     * Issue 8, when the accept that failed found no client waiting (the accept fails for want of a
     * descriptor before it looks for one): tried again, the listener must accept, not only wait to be
     * ready, which it would not be until a client came; FTB0014I comes once descriptors are free.
     */
    @Test
    void issue8TheListenerSaysItAcceptsAgainWhenTheFailedAcceptFoundNoClientWaiting(@TempDir Path dir) throws Exception {
        assumePrlimit();
        int port = freePort();
        Path config = dir.resolve("ftbprm.txt");
        Files.writeString(config, FullBroker.BROKER + "\nSOCKS LISTEN(127.0.0.1:" + port + ")\nRULE NAME(REST) ACTION(DENY)\n");
        try (Running broker = Running.start(FullBroker.command(ftbWithJvmOptions(FullBroker.JVM_OPTIONS, "broker", "--config", config.toString())))) {
            broker.awaitLine("FTB0003I");
            FullBroker full = new FullBroker(broker, port);
            full.exhaust();
            full.release();
            full.assertAcceptsAgain();
        }
    }

    /**
     * Issue 8, the ftb ctl endpoint: out of file descriptors it says FTB0013A once (not FTB0010E every
     * second) and FTB0014I when it accepts again, naming itself "ftb ctl" and its path, and then answers.
     */
    @Test
    void issue8TheCtlEndpointOutOfFileDescriptorsIsAnActionMessageOnceUntilItAcceptsAgain(@TempDir Path dir) throws Exception {
        withCtlOutOfDescriptors(dir, (broker, full, endpoint, ctl) -> {
            full.loseCtl(endpoint, ctl);
            Thread.sleep(3000);
            assertThat(broker.output().stream().filter(l -> l.contains("FTB0013A " + ctl))).as("said once, not every second").hasSize(1);
            assertThat(broker.output()).noneMatch(l -> l.contains("FTB0010E"));
            full.release();
            broker.awaitLine("FTB0014I " + ctl + " accepts connections again");
            assertThat(ctl(endpoint, "D")).as("the response to D, and its end").contains("FTB0310I", "\u0004");
        });
    }

    /**
     * Fault90: a ctl connection accepted when no descriptor is left for its selector was closed unanswered,
     * and the operator heard nothing; and an accept that then found nobody waiting would have said the
     * endpoint recovered while the next connection would be dropped the same way.
     */
    @Test
    void fault90ACtlConnectionTheEndpointCannotServeIsFtb0013ANotASilentDrop(@TempDir Path dir) throws Exception {
        withCtlOutOfDescriptors(dir, (broker, full, endpoint, ctl) -> {
            // The endpoint's waiting accept holds the one descriptor left: this connection gets it, its selector none.
            assertThat(unanswered(endpoint, "D")).as("no response without a selector").isEmpty();
            broker.awaitLine("FTB0013A " + ctl + " cannot accept connections: ");
            Thread.sleep(3000);
            assertThat(broker.output()).as("no recovery said while a connection still could not be served")
                    .noneMatch(l -> l.contains("FTB0014I " + ctl));
            full.release();
            broker.awaitLine("FTB0014I " + ctl + " accepts connections again");
            assertThat(ctl(endpoint, "D")).as("the response to D, and its end").contains("FTB0310I", "\u0004");
            assertThat(broker.output().stream().filter(l -> l.contains("FTB0013A " + ctl))).hasSize(1);
        });
    }

    /**
     * Fault94 (breakit14): while the endpoint cannot accept (FTB0013A), an operator's connection waits in the
     * socket's backlog with its command written; {@code ftb ctl} gives up after 30 s (FTB0331E: "the command
     * may or may not have run"; the operator checks with DISPLAY and sees it did not). When descriptors come
     * back, the endpoint accepted that connection, read the command from its buffer and ran it, minutes or
     * hours later, for nobody: a STOP, RELOAD, DRAIN or CANCEL out of the blue. A command whose client has
     * gone before it is run is not run (FTB0328W says so).
     */
    @Test
    void fault94ACommandWhoseClientGaveUpWhileTheEndpointCouldNotAcceptIsNotRunLater(@TempDir Path dir) throws Exception {
        withCtlOutOfDescriptors(dir, (broker, full, endpoint, ctl) -> {
            full.loseCtl(endpoint, ctl);
            try (SocketChannel gaveUp = SocketChannel.open(UnixDomainSocketAddress.of(endpoint))) {
                gaveUp.write(StandardCharsets.UTF_8.encode("TRACE ON\n"));
            }
            full.release();
            broker.awaitLine("FTB0014I " + ctl + " accepts connections again");
            assertThat(ctl(endpoint, "D")).as("the response to D, and its end").contains("FTB0310I", "\u0004");
            Thread.sleep(500);
            assertThat(broker.output()).as("the command of the client that had gone").noneMatch(l -> l.contains("TRACE ON"));
            broker.awaitLine("FTB0328W ftb ctl did not run the command of user=root: the connection ended before the command could run");
        });
    }

    /** What a test does with a broker out of descriptors ({@link FullBroker#exhaust}) and its ftb ctl endpoint. */
    @FunctionalInterface
    private interface CtlScenario {
        /** @param ctl the endpoint as its FTB0013A and FTB0014I name it */
        void run(Running broker, FullBroker full, Path endpoint, String ctl) throws Exception;
    }

    private void withCtlOutOfDescriptors(Path dir, CtlScenario scenario) throws Exception {
        assumePrlimit();
        int port = freePort();
        Path endpoint = dir.resolve("ctl").resolve("broker");
        Path config = dir.resolve("ftbprm.txt");
        Files.writeString(config, FullBroker.BROKER + " CONTROL('" + endpoint + "')\nSOCKS LISTEN(127.0.0.1:" + port + ")\n"
                + "RULE NAME(REST) ACTION(DENY)\n");
        String ctl = "Listener ftb ctl " + endpoint;
        try (Running broker = Running.start(FullBroker.command(ftbWithJvmOptions(FullBroker.JVM_OPTIONS, "broker", "--config", config.toString())))) {
            broker.awaitLine("FTB0320I");
            broker.awaitLine("FTB0003I");
            FullBroker full = new FullBroker(broker, port);
            full.exhaust();
            scenario.run(broker, full, endpoint, ctl);
        }
    }

    /**
     * {@link #ctl}, for a connection that may be closed with the command unread: the connection must be
     * made, and then a reset, or a broken pipe for the command (NIO's write says so with a plain
     * IOException, when the endpoint closed the connection before the command was written), is no response.
     */
    private static String unanswered(Path endpoint, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(endpoint))) {
            try {
                channel.write(StandardCharsets.UTF_8.encode(command + "\n"));
                return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
    }

    private static void assumePrlimit() throws Exception {
        Assumptions.assumeTrue("true".equals(System.getenv("CI")) || run(List.of("prlimit", "--version")).rc() == 0,
                "prlimit is not installed (CI installs util-linux and requires this test)");
    }

    /** Sends one command to the ftb ctl endpoint (a Unix domain socket) and returns the response. */
    private static String ctl(Path endpoint, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(endpoint))) {
            channel.write(StandardCharsets.UTF_8.encode(command + "\n"));
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * A broker with 64 file descriptors, and SOCKS clients that hold them. The broker runs on one
     * processor, and so with one reactor, its listener's: that reactor answers a client's greeting only
     * after the accept that followed the client's own, and on Linux an accept fails at once when no
     * descriptor is left, client or no client.
     */
    private static final class FullBroker {
        static final List<String> JVM_OPTIONS = List.of("-XX:ActiveProcessorCount=1");
        /** Clients in the handshake hold their descriptors as long as a test takes. */
        static final String BROKER = "BROKER HANDSHAKETIMEOUT(600) LOGINTIMEOUT(600)";
        private final Running broker;
        private final int port;
        private final List<Socket> clients = new ArrayList<>();
        private final List<SocketChannel> ctlClients = new ArrayList<>();
        private int commands;

        FullBroker(Running broker, int port) {
            this.broker = broker;
            this.port = port;
        }

        /** The command, run with 64 file descriptors at most. */
        static List<String> command(List<String> ftb) {
            List<String> limited = new ArrayList<>(List.of("prlimit", "--nofile=64:64"));
            limited.addAll(ftb);
            return limited;
        }

        /**
         * Connects clients until the listener's accept fails for want of descriptors (one more FTB0013A),
         * with no client waiting: one at a time, each waiting for its answer, and a console command after
         * each, which is logged after the FTB0013A of the accept that followed, if it failed; the next
         * client connects only when it did not.
         */
        void exhaust() throws IOException {
            String lost = "FTB0013A Listener 127.0.0.1:" + port + " cannot accept connections: ";
            long before = count(lost);
            PrintStream console = broker.console();
            while (clients.size() < 200) {
                Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
                clients.add(client);
                client.setSoTimeout(20_000);
                client.getOutputStream().write(new byte[]{5, 1, 0});
                assertThat(client.getInputStream().readNBytes(2)).as("SOCKS 5 method reply to client %d, so none waits", clients.size())
                        .containsExactly(5, 0);
                console.println("D");
                long logged = ++commands;
                await().atMost(60, TimeUnit.SECONDS).until(() -> count("FTB0300I Command from console: D") >= logged);
                if (count(lost) > before) {
                    return;
                }
            }
            throw new AssertionError("200 clients, and the listener still accepts");
        }

        /**
         * After {@link #exhaust}: makes the ftb ctl endpoint's accept fail for want of descriptors (one more
         * FTB0013A). On Linux an accept takes its descriptor when it starts to wait, so the endpoint's
         * waiting accept kept one from the SOCKS clients, and the next ctl connection gets it; setting that
         * connection up takes more (its selector), and the accept after it fails only if that took the
         * last ones. So the SOCKS clients give descriptors back one at a time, and a ctl connection is
         * tried at each count (one set up waits for its command, and is held) until the accept fails.
         */
        void loseCtl(Path endpoint, String ctl) throws Exception {
            long before = count("FTB0013A " + ctl + " cannot accept connections: ");
            for (int tries = 0; tries < 12; tries++) {
                ctlClients.add(SocketChannel.open(UnixDomainSocketAddress.of(endpoint)));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (System.nanoTime() < deadline) {
                    if (count("FTB0013A " + ctl + " cannot accept connections: ") > before) {
                        return;
                    }
                    Thread.sleep(50);
                }
                long ended = count("FTB0200I");
                clients.remove(clients.size() - 1).close();
                await().atMost(60, TimeUnit.SECONDS).until(() -> count("FTB0200I") > ended);
            }
            throw new AssertionError("the ftb ctl endpoint still accepts");
        }

        /** Closes every client: the broker ends their sessions, and their descriptors are free again. */
        void release() throws IOException {
            for (Socket client : clients) {
                client.close();
            }
            clients.clear();
            for (SocketChannel client : ctlClients) {
                client.close();
            }
            ctlClients.clear();
        }

        /**
         * The listener says that it accepts again (FTB0014I) and serves a new client, the refusal of rule
         * REST; it said FTB0013A once however often it failed, and no internal error.
         */
        void assertAcceptsAgain() throws IOException {
            broker.awaitLine("FTB0014I Listener 127.0.0.1:" + port + " accepts connections again");
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                client.setSoTimeout(10_000);
                client.getOutputStream().write(new byte[]{4, 1, 0, 21, 10, 0, 0, 1, 'J', 0});
                assertThat(client.getInputStream().readNBytes(8)).as("SOCKS 4 refusal by rule REST")
                        .containsExactly(0, 91, 0, 0, 0, 0, 0, 0);
            }
            assertThat(broker.output().stream().filter(l -> l.contains("FTB0013A"))).as("said once, not per failed accept").hasSize(1);
            assertThat(broker.output()).noneMatch(l -> l.contains("FTB0010E"));
        }

        private long count(String text) {
            return broker.output().stream().filter(l -> l.contains(text)).count();
        }
    }
}

package org.ftb.cli;

import org.ftb.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@org.junit.jupiter.api.Timeout(60)
class CliTest {
    private record Run(int rc, String out) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.commandLine(org.ftb.platform.Platform.detect()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(rc, out + err.toString());
    }

    @Test
    void everySampleConfigurationChecksWithoutErrorsAndWarnsOnlyOfSiteFilesThisMachineLacks() throws IOException {
        try (Stream<Path> samples = Files.list(Path.of("samples"))) {
            List<Path> configs = samples.filter(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).startsWith("ftbprm"))
                    .toList();
            assertThat(configs).isNotEmpty();
            for (Path config : configs) {
                Run run = run("check", "--config", config.toString());
                assertThat(run.rc()).as(config + ": " + run.out()).isLessThanOrEqualTo(4);
                assertThat(run.out()).contains("FTB0134I Configuration " + config + ": RC " + run.rc() + ", 0 error(s)");
                assertThat(run.out().lines().filter(l -> l.matches("FTB\\d{4}W .*"))).as(config.toString())
                        .allMatch(l -> l.matches("FTB014[12]W .* file (/\\S+) cannot be read \\(no such (file|directory)\\).*"));
            }
        }
    }

    /**
     * Issue 8: an FB80 member copied out as it is (80 columns, sequence numbers in 73-80) is read as
     * FB80 without being told, and says so; before, every sequence number was an unknown statement.
     */
    @Test
    void anFb80MemberIsRecognisedWithoutAFlagAndTheFlagStillDecides() {
        Run told = run("check", "--config", "samples/ftbprm01.fb80");
        assertThat(told.rc()).as(told.out()).isLessThanOrEqualTo(4);
        assertThat(told.out()).contains("FTB0144I samples/ftbprm01.fb80 is read as FB80 records", "0 error(s)");
        Run stream = run("check", "--config", "samples/ftbprm01.fb80", "--record-format", "STREAM");
        assertThat(stream.rc()).isEqualTo(8);
        assertThat(stream.out()).doesNotContain("FTB0144I").contains("00000200");
        Run text = run("check", "--config", "samples/ftbprm00.txt");
        assertThat(text.out()).doesNotContain("FTB0144I");
    }

    /**
     * Issue 8: the started task's member FTBPRM00, an FB80 member with sequence numbers, checks as the
     * broker reads it: FB80 without being told, &SYSNAME. resolved, no error, and no warning but the one
     * for its KNOWNHOSTS file in /etc/ftb, which only a z/OS system that runs the broker has.
     */
    @Test
    void theStartedTaskMemberFtbprm00IsAnFb80MemberWithTheSystemNameInItsRules() {
        Run run = run("check", "--config", "samples/FTBPRM00", "--symbol", "SYSNAME=SYSA");
        assertThat(run.rc()).as(run.out()).isLessThanOrEqualTo(4);
        assertThat(run.out()).contains("FTB0144I samples/FTBPRM00 is read as FB80 records",
                "RULE NAME(PARTNER-SYSA) DEST(192.0.2.0/28 198.51.100.20) PORTS(21) ACTION(FTPTUNNEL) VIA(PARTNERS) AUTH(FTPLOGIN)",
                "RULE NAME(INTERNAL-SYSA)", "RULE NAME(REFUSE-SYSA) DEST(*) PORTS(*) ACTION(DENY)",
                "SOCKS LISTEN(127.0.0.1:1080)", "DATA LISTEN(127.0.0.1) PORTS(50000-50999)",
                "FTB0134I Configuration samples/FTBPRM00: RC " + run.rc() + ", 0 error(s)");
        assertThat(run.out()).doesNotContain("&SYSNAME");
        List<String> warnings = run.out().lines().filter(l -> l.matches("FTB\\d{4}W .*")).toList();
        if (Files.isReadable(Path.of("/etc/ftb/known_hosts"))) {
            assertThat(warnings).isEmpty();
        } else {
            assertThat(warnings).singleElement().asString()
                    .startsWith("FTB0141W line 28 column 9: KNOWNHOSTS file /etc/ftb/known_hosts cannot be read");
        }
    }

    /**
     * The z/OS FTP client sends to the broker exactly the servers its SOCKS file (samples/FTBSOCKS)
     * names with SOCKD; each of them must meet the FTPTUNNEL rule of FTBPRM00, and nothing outside them
     * or the internal networks may get through.
     */
    @Test
    void everyServerTheSocksFileSendsToTheBrokerMeetsTheFtpTunnelRule() throws IOException {
        List<String[]> sockd = Files.readAllLines(Path.of("samples/FTBSOCKS")).stream()
                .filter(l -> l.startsWith("SOCKD")).map(l -> l.trim().split("\\s+")).toList();
        assertThat(sockd).isNotEmpty();
        for (String[] entry : sockd) {
            assertThat(entry).as("SOCKD @=127.0.0.1 address mask").hasSize(4);
            assertThat(entry[1]).isEqualTo("@=127.0.0.1");
            for (String address : firstAndLast(entry[2], entry[3])) {
                Run match = run("match", "--config", "samples/FTBPRM00", "--symbol", "SYSNAME=SYSA", address + ":21");
                assertThat(match.out()).as(address).contains("FTB0401I ACTION FTPTUNNEL RULE PARTNER-SYSA");
            }
        }
        assertThat(run("match", "--config", "samples/FTBPRM00", "--symbol", "SYSNAME=SYSA", "10.1.2.3:21").out())
                .contains("FTB0401I ACTION DIRECT RULE INTERNAL-SYSA");
        assertThat(run("match", "--config", "samples/FTBPRM00", "--symbol", "SYSNAME=SYSA", "203.0.113.9:21").out())
                .contains("FTB0401I ACTION DENY RULE REFUSE-SYSA");
    }

    /** The first and the last IPv4 address of the block {@code address}/{@code mask}. */
    private static List<String> firstAndLast(String address, String mask) {
        long a = ipv4(address);
        long m = ipv4(mask);
        long first = a & m;
        long last = first | (~m & 0xFFFFFFFFL);
        return List.of(dotted(first), dotted(last));
    }

    private static long ipv4(String dotted) {
        long value = 0;
        for (String part : dotted.split("\\.")) {
            value = value << 8 | Integer.parseInt(part);
        }
        return value;
    }

    private static String dotted(long value) {
        return (value >> 24 & 255) + "." + (value >> 16 & 255) + "." + (value >> 8 & 255) + "." + (value & 255);
    }

    @Test
    void checkOfABrokenConfigurationPrintsEveryErrorAndReturns8(@TempDir Path dir) throws IOException {
        Path broken = dir.resolve("broken.txt");
        Files.writeString(broken, """
                BROKER MAXSESSIONS(0)
                SOCKS LISTEN(127.0.0.1:99999) VERSIONS(4 5)
                RULE NAME(A) DEST(*) PORTS(21-x) ACTION(DIRECT)
                RULE NAME(A) ACTION(MAYBE)
                """);
        Run run = run("check", "--config", broken.toString());
        assertThat(run.rc()).isEqualTo(8);
        assertThat(run.out()).contains(
                "FTB0116E line 1 column 20: MAXSESSIONS(0) must be a whole number from 1 to 1000000",
                "FTB0118E line 2 column 14: LISTEN(127.0.0.1:99999)",
                "FTB0120E line 3 column 28: PORTS(21-x)",
                "FTB0121E line 4 column 6: rule name A is used twice; the first is on line 3",
                "FTB0117E line 4 column 21: ACTION(MAYBE) must be one of DIRECT, DENY, TUNNEL, FTPTUNNEL",
                "RC 8, 5 error(s), 0 warning(s)");
        assertThat(run.out()).doesNotContain("Effective configuration");
    }

    @Test
    void checkWithWarningsReturns4AndPrintsTheEffectiveConfiguration(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("warn.txt");
        Files.writeString(config, "SOCKS LISTEN(0.0.0.0:1080)\nSSHHOST NAME(GW) HOST(*) KNOWNHOSTS('/kh')\n"
                + "RULE NAME(FTP) DEST(ftp.&SITE.) PORTS(21) ACTION(FTPTUNNEL) VIA(GW) FALLBACK(PLAIN)\n");
        Run run = run("check", "--config", config.toString(), "--symbol", "SITE=example.com");
        assertThat(run.rc()).isEqualTo(4);
        assertThat(run.out()).contains("RULE NAME(FTP) DEST(ftp.example.com) PORTS(21) ACTION(FTPTUNNEL) VIA(GW) AUTH(FTPLOGIN) FALLBACK(PLAIN)");
    }

    @Test
    void issue6CheckAcceptsTwoRulesOnOneLine(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("oneline.txt");
        Files.writeString(config, "SSHHOST NAME(GW) HOST(127.0.0.1) KNOWNHOSTS('/dev/null')\n"
                + "RULE NAME(A) DEST(10.0.0.1) ACTION(DIRECT) RULE NAME(B) ACTION(FTPTUNNEL) VIA(GW)\n");
        Run run = run("check", "--config", config.toString());
        assertThat(run.rc()).as(run.out()).isZero();
        assertThat(run.out()).contains("RULE NAME(B) DEST(*) PORTS(*) ACTION(FTPTUNNEL) VIA(GW)");
    }

    @Test
    void issue6CheckReportsWhatTheBrokerRefusesAndWarnsOfMissingLoginFiles(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("files.txt");
        Files.createDirectories(dir.resolve("logdir"));
        Files.writeString(config, "LOG FILE('logdir')\nRULE NAME(A) ACTION(DENY)\n");
        String finding = "FTB0140E line 1 column 5: FILE(" + dir.resolve("logdir") + ") cannot be written: it is a directory";
        Run check = run("check", "--config", config.toString());
        assertThat(check.rc()).isEqualTo(8);
        assertThat(check.out()).contains(finding);
        try (LogCapture log = new LogCapture()) {
            assertThat(run("broker", "--config", config.toString()).rc()).isEqualTo(8);
            assertThat(log.lines()).contains(finding, "FTB0007E Configuration " + config + " has errors (RC 8); the broker did not start");
        }
        Files.writeString(config, "SSHHOST NAME(K) HOST(*) KNOWNHOSTS('/dev/null') USER(u) KEY('id_missing')\n"
                + "RULE NAME(A) ACTION(TUNNEL) VIA(K)\n");
        Run keys = run("check", "--config", config.toString());
        assertThat(keys.rc()).isEqualTo(4);
        assertThat(keys.out()).contains("FTB0142W line 1 column 57: KEY file " + dir.resolve("id_missing") + " cannot be read");
    }

    @Test
    void brokerRefusesToStartWithErrors(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("bad.txt");
        try (LogCapture log = new LogCapture()) {
            Files.writeString(config, "RULE NAME(FTP) ACTION(NOTHING)\n");
            assertThat(run("broker", "--config", config.toString()).rc()).isEqualTo(8);
            assertThat(log.withId("FTB0117E")).hasSize(1);
            assertThat(log.withId("FTB0007E")).containsExactly(
                    "FTB0007E Configuration " + config + " has errors (RC 8); the broker did not start");
        }
    }

    @Test
    void passwdStoresOnlyASaltedHashThatVerifies(@TempDir Path dir) throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "# SOCKS users\nother:$pbkdf2-sha256$10000$c2FsdHNhbHQ$" + "A".repeat(43) + "\n");
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("Tr0ub4dor&3\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            Run set = run("passwd", "--file", users.toString(), "job1");
            assertThat(set.rc()).isZero();
            assertThat(set.out()).contains("FTB0410I Password for user job1 written to " + users);
            System.setIn(new java.io.ByteArrayInputStream(new byte[0]));
            Run empty = run("passwd", "--file", users.toString(), "job2");
            assertThat(empty.rc()).isEqualTo(8);
            assertThat(empty.out()).contains("FTB0411E the password is empty; nothing was changed");
            System.setIn(new java.io.ByteArrayInputStream("with\0nul\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            Run nul = run("passwd", "--file", users.toString(), "job3");
            assertThat(nul.rc()).as("issue 7: no login could use it").isEqualTo(8);
            // A NUL is a control, so standard input holding one is not text (issue 8's rule) before it is a password.
            assertThat(nul.out()).contains("FTB0411E the password on standard input is not text", "nothing was changed");
        } finally {
            System.setIn(stdin);
        }
        String text = Files.readString(users);
        assertThat(text).doesNotContain("Tr0ub4dor").doesNotContain("job3").contains("# SOCKS users", "other:", "job1:$pbkdf2-sha256$310000$");
        assertThat(java.nio.file.Files.getPosixFilePermissions(users)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        org.ftb.auth.UserDirectory directory = org.ftb.auth.UserDirectory.read(users, org.ftb.testing.TestTextFiles.UTF8);
        assertThat(directory.verify("job1", "Tr0ub4dor&3".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isTrue();
        assertThat(directory.verify("job1", "Tr0ub4dor&3".getBytes(java.nio.charset.StandardCharsets.UTF_8))).as("cached").isTrue();
        assertThat(directory.verify("job1", "wrong".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isFalse();
        assertThat(directory.verify("nobody", "x".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isFalse();
        assertThat(run("passwd", "--file", users.toString(), "bad:name").out()).contains("FTB0411E user name must be");
    }

    /** Issue 8: passwd reads its users file by the one decoding rule; off z/OS an EBCDIC file is not text. */
    @Test
    void passwdLeavesAUsersFileThatIsNotTextAsItIsAndSaysWhy(@TempDir Path dir) throws Exception {
        Path users = dir.resolve("users");
        byte[] ebcdic = "# SOCKS users\n".getBytes(org.ftb.platform.CodePages.IBM1047);
        Files.write(users, ebcdic);
        Run refused = runWithStdin("Tr0ub4dor&3\n", "passwd", "--file", users.toString(), "job1");
        assertThat(refused.rc()).isEqualTo(8);
        assertThat(refused.out()).contains("FTB0411E users file " + users + " is not text: the file is not UTF-8 text (byte X'E2' at offset 2);"
                + " nothing was changed");
        assertThat(Files.readAllBytes(users)).isEqualTo(ebcdic);
    }

    @Test
    void issue6GatewayPasswdWorksAsDocumented(@TempDir Path dir) throws Exception {
        String documented = "ftb gateway passwd --file FILE USER";
        assertThat(Files.readString(Path.of("docs/operations.md"))).contains("`" + documented + "`");
        assertThat(Files.readString(Path.of("docs/configuration.md"))).contains("`" + documented + "`");
        Path users = dir.resolve("gateway-users");
        Run set = runWithStdin("gw-Secret-9\n",
                documented.substring("ftb ".length()).replace("FILE", users.toString()).replace("USER", "job1").split(" "));
        assertThat(set.rc()).as(set.out()).isZero();
        assertThat(set.out()).contains("FTB0410I Password for user job1 written to " + users).doesNotContain("gw-Secret-9");
        assertThat(org.ftb.auth.UserDirectory.read(users, org.ftb.testing.TestTextFiles.UTF8).verify("job1", "gw-Secret-9".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isTrue();
        Run noConfig = run("gateway");
        assertThat(noConfig.rc()).isEqualTo(12);
        assertThat(noConfig.out()).contains("Missing required option: '--config=SOURCE'");
    }

    @Test
    void issue6GatewayAppliesTheLogStatementLikeTheBroker(@TempDir Path dir) throws Exception {
        Path users = dir.resolve("users");
        Files.write(users, List.of(org.ftb.auth.UserDirectory.entry("job1", "pw".toCharArray(), 10_000)));
        Path logFile = dir.resolve("gateway.log");
        Path config = dir.resolve("gateway.txt");
        int port = freePort();
        Files.writeString(config, "GATEWAY LISTEN(127.0.0.1:" + port + ") HOSTKEY('hostkey') USERS('users') PERMIT(127.0.0.1:21)\n"
                + "LOG FILE('gateway.log')\n");
        Run run = runWithStdin("STOP\n", "gateway", "--config", config.toString());
        assertThat(run.rc()).as(run.out()).isZero();
        assertThat(logFile).exists();
        assertThat(Files.readAllLines(logFile)).anyMatch(l -> l.contains(" FTB0001I FTP Tunnel Broker"))
                .anyMatch(l -> l.contains(" FTB0500I Gateway listening on 127.0.0.1:"))
                .anyMatch(l -> l.contains(" FTB0505I Gateway stopped"));
    }

    @Test
    void issue6GatewayDisplayShowsUptimeSessionsWithoutALimitAndNoFalseFigures(@TempDir Path dir) throws Exception {
        Path users = dir.resolve("users");
        Files.write(users, List.of(org.ftb.auth.UserDirectory.entry("job1", "gw-pw".toCharArray(), 10_000)));
        int port = freePort();
        Path config = dir.resolve("gateway.txt");
        Files.writeString(config, "GATEWAY LISTEN(127.0.0.1:" + port + ") HOSTKEY('hostkey') USERS('users') PERMIT(127.0.0.1:21)\n");
        java.io.PipedOutputStream commands = new java.io.PipedOutputStream();
        java.io.PipedInputStream stdin = new java.io.PipedInputStream(commands);
        java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
        java.util.concurrent.CompletableFuture<Run> gateway = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                runWithConsole(stdin, new java.io.PrintStream(console, true, java.nio.charset.StandardCharsets.UTF_8),
                        "gateway", "--config", config.toString()));
        org.apache.sshd.client.SshClient client = org.apache.sshd.client.SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier.INSTANCE);
        client.setUserAuthFactories(List.of(org.apache.sshd.client.auth.password.UserAuthPasswordFactory.INSTANCE));
        client.start();
        try {
            await().atMost(30, TimeUnit.SECONDS).until(() -> console.toString(java.nio.charset.StandardCharsets.UTF_8).contains("FTB0500I"));
            org.apache.sshd.client.session.ClientSession session = client.connect("job1", "127.0.0.1", port).verify(5000).getSession();
            session.addPasswordIdentity("gw-pw");
            session.auth().verify(5000);
            try (org.apache.sshd.client.session.ClientSession wrong = client.connect("job1", "127.0.0.1", port).verify(5000).getSession()) {
                wrong.addPasswordIdentity("not-it");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> wrong.auth().verify(5000)).isInstanceOf(Exception.class);
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> session.createDirectTcpipChannel(
                    new org.apache.sshd.common.util.net.SshdSocketAddress("127.0.0.1", 0),
                    new org.apache.sshd.common.util.net.SshdSocketAddress("127.0.0.2", 21)).open().verify(5000))
                    .isInstanceOf(Exception.class);
            String expected = String.join("\n", " LISTEN   127.0.0.1:" + port + "  SSH  AUTH PASSWORD",
                    " SESSIONS 1 (NO LIMIT)  PEAK 2", " TOTALS   ACCEPTED 2 TUNNELS 0 DENIED 1", "          BADPASSWORD 1");
            // A pipe breaks when the thread that last wrote to it ends: only this thread writes commands.
            await().atMost(20, TimeUnit.SECONDS).pollInSameThread().pollInterval(java.time.Duration.ofMillis(500)).untilAsserted(() -> {
                commands.write("DISPLAY\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                commands.flush();
                String shown = console.toString(java.nio.charset.StandardCharsets.UTF_8);
                assertThat(shown.substring(Math.max(0, shown.lastIndexOf("FTB0310I"))))
                        .matches("(?s)FTB0310I FTB DISPLAY gateway \\S+ ACTIVE UP (?!0:00:00)\\d+:\\d\\d:\\d\\d\n"
                        + java.util.regex.Pattern.quote(expected) + "\n.*");
            });
            session.close(true);
            commands.write("STOP\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            commands.flush();
            assertThat(gateway.get(30, TimeUnit.SECONDS).rc()).isZero();
        } finally {
            client.stop();
            commands.close();
        }
        assertThat(console.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain(" OF 0", "BYTES", "gw-pw", "not-it");
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static Run runWithStdin(String input, String... args) {
        return runWithConsole(new java.io.ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)), System.out,
                args);
    }

    /**
     * Runs a command that reads standard input (a password, or operator commands) and answers on standard
     * output, then puts back the test's streams and logging.
     */
    private static Run runWithConsole(java.io.InputStream in, java.io.PrintStream out, String... args) {
        java.io.InputStream stdin = System.in;
        java.io.PrintStream stdout = System.out;
        try (org.ftb.testing.AppliedLog applied = org.ftb.testing.AppliedLog.undoOnClose()) {
            System.setIn(in);
            System.setOut(out);
            return run(args);
        } finally {
            System.setIn(stdin);
            System.setOut(stdout);
        }
    }

    @Test
    void matchExplainsTheDecision(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("rules.txt");
        Files.writeString(config, "RULE NAME(MVS) DEST(10.1.0.0/16) PORTS(21) ACTION(DIRECT)\nRULE NAME(REST) ACTION(DENY)\n");
        Run hit = run("match", "--config", config.toString(), "10.1.2.3:21");
        assertThat(hit.rc()).isZero();
        assertThat(hit.out()).contains("FTB0401I 10.1.2.3:21: rule MVS (line 1): DEST 10.1.0.0/16 matches 10.1.2.3, PORTS 21 matches 21, ACTION(DIRECT)",
                "FTB0401I ACTION DIRECT RULE MVS");
        assertThat(run("match", "--config", config.toString(), "[2001:db8::1]:21").out()).contains("ACTION DENY RULE REST");
        Run bad = run("match", "--config", config.toString(), "nohost");
        assertThat(bad.rc()).isEqualTo(8);
        assertThat(bad.out()).contains("FTB0402E nohost is not HOST:PORT");
    }

    @Test
    void usageErrorsReturn12AndHelpAndVersionWork() {
        assertThat(run("check").rc()).isEqualTo(12);
        assertThat(run("check", "--config", "x", "--symbol", "9BAD=1").out()).contains("FTB0403E --symbol 9BAD=1");
        assertThat(run("--help").out()).contains("broker", "check", "match", "passwd");
        assertThat(run("--version").out()).startsWith("ftb ");
    }
}

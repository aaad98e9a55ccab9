package org.ftb.config;

import org.ftb.address.HostPort;
import org.ftb.auth.UserDirectory;
import org.ftb.rules.Action;
import org.ftb.rules.Fallback;
import org.ftb.rules.TunnelAuth;
import org.ftb.testing.TestSshServer;
import org.ftb.socks.SocksVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ftb.config.ConfigFixtures.config;
import static org.ftb.config.ConfigFixtures.load;
import static org.ftb.config.ConfigFixtures.messages;

class ConfigBinderTest {

    @Test
    void defaultsAreSafe() {
        BrokerConfig config = config("RULE NAME(ALL) ACTION(DIRECT)");
        assertThat(config.socks().listen()).containsExactly(new HostPort("127.0.0.1", 1080));
        assertThat(config.socks().versions()).containsExactlyInAnyOrder(SocksVersion.V4, SocksVersion.V5);
        assertThat(config.socks().auth()).isEqualTo(SocksAuth.NONE);
        assertThat(config.broker()).isEqualTo(BrokerSettings.DEFAULTS);
        assertThat(config.log().audit()).isTrue();
        assertThat(config.rules().get(0).destinations().get(0).text()).isEqualTo("*");
        assertThat(config.rules().get(0).ports().get(0).text()).isEqualTo("*");
    }

    @Test
    void everyOperandIsBound() {
        BrokerConfig config = config("""
                broker maxsessions(50) idletimeout(0) handshaketimeout(5) connecttimeout(7) stoptimeout(9) maxprelogin(10)
                       logintimeout(20)
                socks listen(127.0.0.1:1081, [::1]:1082) versions(5)
                sshhost name(gw1) host(*) user(Tunnel) key('id_ed25519')
                rule name(ftp) dest(ftp.example.com 10.1.0.0/16 2001:db8::/32) ports(21 1000-2000) action(ftptunnel)
                     via(gw1) auth(ftplogin) fallback(plain)
                rule name(tcp) dest(*) ports(*) action(tunnel) via(gw1)
                log level(debug) file('ftb.log') charset(IBM-1047) audit(no)
                """);
        assertThat(config.broker()).isEqualTo(new BrokerSettings(50, Duration.ZERO, Duration.ofSeconds(5),
                Duration.ofSeconds(7), Duration.ofSeconds(9), 10, Duration.ofSeconds(20)));
        assertThat(config.socks().listen()).containsExactly(new HostPort("127.0.0.1", 1081), new HostPort("::1", 1082));
        assertThat(config.socks().versions()).containsExactly(SocksVersion.V5);
        assertThat(config.rules().get(0).action()).isEqualTo(Action.FTPTUNNEL);
        assertThat(config.rules().get(0).via()).contains("GW1");
        assertThat(config.rules().get(0).fallback()).contains(Fallback.PLAIN);
        assertThat(config.rules().get(1).auth()).contains(TunnelAuth.KEY);
        assertThat(config.log().level()).isEqualTo(LogLevel.DEBUG);
        assertThat(config.log().file()).contains(Path.of("ftb.log"));
        assertThat(config.log().charset().name()).isEqualTo("IBM1047");
        assertThat(config.log().audit()).isFalse();
        assertThat(config.sshHosts()).singleElement().satisfies(h -> {
            assertThat(h.host()).isEmpty();
            assertThat(h.hostFor("ftp.example.com")).isEqualTo("ftp.example.com");
            assertThat(h.port()).isEqualTo(22);
            assertThat(h.hostKeys()).isEqualTo(SshHostSettings.HostKeyPolicy.STRICT);
            assertThat(h.ciphers().get(0)).isEqualTo("aes128-gcm@openssh.com");
            assertThat(h.user()).contains("Tunnel");
            assertThat(h.key()).contains(Path.of("id_ed25519"));
        });
    }

    @Test
    void gatewayAndDataStatements() {
        BrokerConfig config = config("""
                GATEWAY LISTEN(0.0.0.0:2022) HOSTKEY('/etc/ftb/hostkey') AUTHORIZEDKEYS('/etc/ftb/keys')
                        PERMIT(127.0.0.1:21 10.1.0.0/16:1024-65535 [2001:db8::1]:* ftp.example.com:21)
                DATA LISTEN(127.0.0.2) PORTS(30000-30100)
                RULE NAME(A) ACTION(DENY)
                """);
        GatewaySettings g = config.gateway().orElseThrow();
        assertThat(g.listen()).isEqualTo(new HostPort("0.0.0.0", 2022));
        assertThat(g.maxAuthTries()).isEqualTo(GatewaySettings.DEFAULT_MAX_AUTH_TRIES);
        assertThat(config("GATEWAY HOSTKEY('k') AUTHORIZEDKEYS('/etc/ftb/keys') MAXAUTHTRIES(3) PERMIT(*:21)").gateway().orElseThrow().maxAuthTries())
                .isEqualTo(3);
        assertThat(messages("GATEWAY HOSTKEY('k') USERS('u') MAXAUTHTRIES(0) PERMIT(*:21)")).anyMatch(m -> m.startsWith("FTB0116E")
                && m.contains("MAXAUTHTRIES(0) must be a whole number from 1 to 100"));
        assertThat(g.permits()).extracting(GatewaySettings.Permit::text)
                .containsExactly("127.0.0.1:21", "10.1.0.0/16:1024-65535", "[2001:db8::1]:*", "ftp.example.com:21");
        assertThat(config.data()).isEqualTo(new DataSettings("127.0.0.2", new org.ftb.rules.PortRange(30000, 30100), DataSettings.DEFAULT_HOLD));
        assertThat(messages("GATEWAY HOSTKEY('k') USERS('u') PERMIT(nohost)\nRULE NAME(A) ACTION(DENY)")).anyMatch(m -> m.startsWith(
                "FTB0139E line 1 column 40: PERMIT(nohost) must be host:ports"));
        assertThat(messages("GATEWAY HOSTKEY('k') PERMIT(*:21)\nRULE NAME(A) ACTION(DENY)")).contains(
                "FTB0114E line 1 column 1: GATEWAY needs USERS('file') or AUTHORIZEDKEYS('directory') to log anyone in");
        assertThat(messages("DATA LISTEN(::1)\nRULE NAME(A) ACTION(DENY)")).contains(
                "FTB0138E line 1 column 13: LISTEN(::1) must be an IPv4 address: FTP 227 replies carry IPv4 only");
    }

    @Test
    void sshHostStatement() {
        BrokerConfig config = config("""
                SSHHOST NAME(GW) HOST(gw.Example.com) PORT(2222) KNOWNHOSTS('kh') HOSTKEYS(ACCEPTNEW)
                        CIPHERS(aes256-gcm@openssh.com aes128-ctr) KEEPALIVE(0) USER(ftpt) KEY('k') PASSPHRASE('p')
                        MAXCHANNELS(4)
                RULE NAME(T) ACTION(TUNNEL) VIA(gw)
                """);
        SshHostSettings h = config.sshHost("GW").orElseThrow();
        assertThat(h).isEqualTo(new SshHostSettings("GW", java.util.Optional.of("gw.example.com"), 2222, Path.of("kh"),
                SshHostSettings.HostKeyPolicy.ACCEPTNEW, List.of("aes256-gcm@openssh.com", "aes128-ctr"), Duration.ZERO,
                java.util.Optional.of("ftpt"), java.util.Optional.of(Path.of("k")), java.util.Optional.of(Path.of("p")), 4,
                new org.ftb.platform.TextFiles(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(messages("SSHHOST NAME(A) HOST(*)\nSSHHOST NAME(a) HOST(x)")).contains(
                "FTB0135E line 2 column 9: SSHHOST name A is used twice; the first is on line 1");
        assertThat(messages("SSHHOST NAME(A) HOST(bad/host)")).contains(
                "FTB0136E line 1 column 22: HOST(bad/host) must be *, an IP address or a host name");
        assertThat(messages("RULE NAME(T) ACTION(TUNNEL) VIA(NOWHERE)")).contains(
                "FTB0137E line 1 column 29: VIA(NOWHERE) of rule T names no SSHHOST statement");
        assertThat(messages("SSHHOST NAME(G) HOST(*)\nRULE NAME(T) ACTION(TUNNEL) VIA(G)")).contains(
                "FTB0123E line 2 column 29: AUTH(KEY) needs SSHHOST G to have USER(name) and KEY('file')");
        assertThat(messages("SSHHOST NAME(G) HOST(*) CIPHERS(3des-cbc)")).anyMatch(m -> m.startsWith(
                "FTB0117E line 1 column 33: CIPHERS(3des-cbc) must be one of aes128-gcm@openssh.com"));
        assertThat(messages("SSHHOST NAME(G) HOST(*) PASSPHRASE('p')")).contains(
                "FTB0122E line 1 column 25: PASSPHRASE is used only with KEY('file')");
        assertThat(messages("SSHHOST NAME(G)")).contains("FTB0114E line 1 column 1: SSHHOST needs HOST(name|*)");
    }

    @Test
    void allErrorsOfAMemberAreReportedAtOnceWithReturnCode8() {
        ConfigLoader.Result result = load("""
                BROKER MAXSESSIONS(lots)
                SOCKS LISTEN(nowhere)
                RULE NAME(A) DEST(300.1.1.1) ACTION(DIRECT)
                """);
        assertThat(result.returnCode()).isEqualTo(Diagnostics.RC_ERROR);
        assertThat(result.config()).isEmpty();
        assertThat(result.diagnostics().all()).extracting(Diagnostic::text).containsExactly(
                "FTB0116E line 1 column 20: MAXSESSIONS(lots) must be a whole number from 1 to 1000000",
                "FTB0118E line 2 column 14: LISTEN(nowhere) must be an IP address and port, such as 127.0.0.1:1080 or [::1]:1080",
                "FTB0119E line 3 column 19: DEST(300.1.1.1) must be *, an IPv4 or IPv6 address or address/prefix, or a host name that may use * and ?");
    }

    @Test
    void warningsAloneGiveReturnCode4AndAConfiguration() {
        ConfigLoader.Result result = load("SOCKS LISTEN(0.0.0.0:1080)\nRULE NAME(A) ACTION(DENY)");
        assertThat(result.returnCode()).isEqualTo(Diagnostics.RC_WARNING);
        assertThat(result.config()).isPresent();
        assertThat(result.diagnostics().all()).extracting(Diagnostic::text).containsExactly(
                "FTB0130W line 1 column 7: SOCKS listens on 0.0.0.0:1080, which is not a loopback address, with AUTH(NONE): any host that reaches it may use the broker");
        assertThat(load("RULE NAME(A) ACTION(DENY)").returnCode()).isZero();
    }

    @Test
    void statementAndOperandErrors() {
        assertThat(messages("SOCK LISTEN(127.0.0.1:1080)")).contains(
                "FTB0110E line 1 column 1: unknown statement SOCK; the statements are BROKER, SOCKS, RULE, SSHHOST, DATA, GATEWAY, LOG");
        assertThat(messages("LOG LEVEL(INFO) COLOR(RED)")).contains(
                "FTB0111E line 1 column 17: COLOR is not an operand of LOG; its operands are LEVEL, FILE, CHARSET, AUDIT, MAXSIZE, KEEP, TOTALSIZE");
        assertThat(messages("LOG LEVEL(INFO) LEVEL(WARN)")).contains(
                "FTB0112E line 1 column 17: LEVEL is given twice in this LOG statement");
        assertThat(messages("LOG LEVEL(INFO)\nLOG AUDIT(NO)")).contains(
                "FTB0113E line 2 column 1: only one LOG statement is allowed; the first is on line 1");
        assertThat(messages("RULE DEST(*)")).contains(
                "FTB0114E line 1 column 1: RULE needs NAME(id)",
                "FTB0114E line 1 column 1: RULE needs ACTION(DIRECT|DENY|TUNNEL|FTPTUNNEL)");
        assertThat(messages("RULE NAME(A) ACTION(TUNNEL)")).contains("FTB0114E line 1 column 1: RULE needs VIA(sshhost)");
        assertThat(messages("RULE NAME(A) DEST() ACTION(DENY)")).contains("FTB0115E line 1 column 14: DEST() needs a value");
        assertThat(messages("RULE NAME(A B) ACTION(DENY)")).contains("FTB0115E line 1 column 13: NAME takes one value, not 2");
        assertThat(messages("SOCKS LISTEN(127.0.0.1:1 127.0.0.1:1)")).contains(
                "FTB0115E line 1 column 26: LISTEN names 127.0.0.1:1 twice");
        assertThat(messages("BROKER HANDSHAKETIMEOUT(0)")).contains(
                "FTB0116E line 1 column 25: HANDSHAKETIMEOUT(0) must be a whole number from 1 to 3600");
        assertThat(messages("RULE NAME(A) ACTION(ALLOW)")).contains(
                "FTB0117E line 1 column 21: ACTION(ALLOW) must be one of DIRECT, DENY, TUNNEL, FTPTUNNEL");
        assertThat(messages("SOCKS VERSIONS(4 6)")).contains("FTB0117E line 1 column 18: VERSIONS(6) must be one of 4, 5");
        assertThat(messages("SOCKS LISTEN(localhost:1080)")).contains(
                "FTB0118E line 1 column 14: LISTEN(localhost:1080) must be an IP address and port, such as 127.0.0.1:1080 or [::1]:1080");
        assertThat(messages("RULE NAME(A) DEST(10.0.0.0/33) ACTION(DENY)")).anyMatch(m -> m.startsWith("FTB0119E line 1 column 19: DEST(10.0.0.0/33)"));
        assertThat(messages("RULE NAME(A) DEST(bad!host) ACTION(DENY)")).anyMatch(m -> m.startsWith("FTB0119E line 1 column 19:"));
        assertThat(messages("RULE NAME(A) PORTS(2000-1000) ACTION(DENY)")).contains(
                "FTB0120E line 1 column 20: PORTS(2000-1000) must be *, a port from 1 to 65535, or a range such as 1000-2000");
        assertThat(messages("RULE NAME(A) PORTS(0) ACTION(DENY)")).anyMatch(m -> m.startsWith("FTB0120E"));
        assertThat(messages("RULE NAME(A) PORTS(65536) ACTION(DENY)")).anyMatch(m -> m.startsWith("FTB0120E"));
        assertThat(messages("RULE NAME(A) ACTION(DENY)\nRULE NAME(a) ACTION(DIRECT)")).contains(
                "FTB0121E line 2 column 6: rule name A is used twice; the first is on line 1");
        assertThat(messages("RULE NAME(A) ACTION(DIRECT) VIA(GW)")).contains(
                "FTB0122E line 1 column 29: VIA is used only with ACTION(TUNNEL) or ACTION(FTPTUNNEL)");
        assertThat(messages("RULE NAME(A) ACTION(TUNNEL) VIA(GW) AUTH(FTPLOGIN)")).contains(
                "FTB0122E line 1 column 37: ACTION(TUNNEL) logs in with AUTH(KEY) only: it does not read FTP logins");
        assertThat(messages("RULE NAME(A) ACTION(TUNNEL) VIA(GW) FALLBACK(PLAIN)")).contains(
                "FTB0122E line 1 column 37: FALLBACK(PLAIN) is only for ACTION(FTPTUNNEL)");
        assertThat(messages("SOCKS USERS('u.txt')")).contains("FTB0122E line 1 column 7: USERS is used only with AUTH(USERPASS)");
        assertThat(messages("SOCKS VERSIONS(5) AUTH(USERPASS)")).contains(
                "FTB0123E line 1 column 1: AUTH(USERPASS) needs USERS('file') with the users and their password hashes");
        assertThat(messages("LOG CHARSET(EBCDIC-XYZ)")).contains(
                "FTB0126E line 1 column 13: CHARSET(EBCDIC-XYZ) is not a character set this Java knows");
        assertThat(messages("RULE NAME(A/B) ACTION(DENY)")).contains(
                "FTB0127E line 1 column 11: NAME(A/B) must be 1 to 32 letters, digits, '-', '_' or '.'");
    }

    @Test
    void userPasswordNeedsSocks5OnlyAndAReadableUsersFile(@TempDir Path dir) throws Exception {
        assertThat(messages("SOCKS VERSIONS(4 5) AUTH(USERPASS) USERS('x')")).contains(
                "FTB0123E line 1 column 7: AUTH(USERPASS) needs VERSIONS(5): SOCKS 4 carries no password");
        ConfigLoader.Result missing = load("SOCKS VERSIONS(5) AUTH(USERPASS) USERS('missing.txt')",
                ConfigSource.RecordFormat.STREAM, Map.of(), dir);
        assertThat(missing.diagnostics().all()).extracting(Diagnostic::text).contains(
                "FTB0124E line 1 column 34: cannot read " + dir.resolve("missing.txt") + ": no such file");
        Files.writeString(dir.resolve("bad.txt"), "# users\njob1:plaintext\n");
        ConfigLoader.Result bad = load("SOCKS VERSIONS(5) AUTH(USERPASS) USERS('bad.txt')",
                ConfigSource.RecordFormat.STREAM, Map.of(), dir);
        assertThat(bad.diagnostics().all()).extracting(Diagnostic::text).contains(
                "FTB0125E line 1 column 34: " + dir.resolve("bad.txt") + " line 2: the password must be a $pbkdf2-sha256$ hash made by 'ftb passwd'");
        Files.write(dir.resolve("good.txt"), List.of(UserDirectory.entry("job1", "s3cret".toCharArray(), 10_000)), StandardCharsets.UTF_8);
        BrokerConfig good = load("SOCKS VERSIONS(5) AUTH(USERPASS) USERS('good.txt')\nRULE NAME(A) ACTION(DENY)",
                ConfigSource.RecordFormat.STREAM, Map.of(), dir).config().orElseThrow();
        assertThat(good.socks().users().orElseThrow().users()).containsExactly("job1");
    }

    @Test
    void missingConfigurationFileIsReported(@TempDir Path dir) {
        ConfigLoader.Result result = new ConfigLoader(Symbols.none(), StandardCharsets.UTF_8)
                .load(dir.resolve("nope.txt"), ConfigSource.RecordFormat.STREAM);
        assertThat(result.returnCode()).isEqualTo(Diagnostics.RC_ERROR);
        assertThat(result.diagnostics().all()).extracting(Diagnostic::text).containsExactly(
                "FTB0128E Cannot read configuration " + dir.resolve("nope.txt") + ": no such file");
    }

    @Test
    void ruleWarnings() {
        assertThat(messages("RULE NAME(ALL) ACTION(DIRECT)\nRULE NAME(LATE) DEST(10.0.0.0/8) ACTION(DENY)")).containsExactly(
                "FTB0131W line 2 column 1: rule LATE can never match: rule ALL on line 1 matches every destination and port");
        assertThat(messages("LOG LEVEL(INFO)")).containsExactly(
                "FTB0132W the configuration has no RULE statement: every connection will be denied");
        assertThat(messages("SSHHOST NAME(GW) HOST(*) KNOWNHOSTS('/dev/null')\nRULE NAME(F) ACTION(FTPTUNNEL) VIA(GW)")).isEmpty();
        assertThat(messages("SSHHOST NAME(GW) HOST(*) KNOWNHOSTS('/dev/null')\nRULE NAME(F) ACTION(FTPTUNNEL) VIA(GW) FALLBACK(PLAIN)"))
                .isEmpty();
    }

    @Test
    void issue6EveryStatementSequenceOnOneLineBindsAndFindingsPointAtTheirOwnStatement() {
        BrokerConfig config = config("BROKER MAXSESSIONS(5) SOCKS VERSIONS(5) LOG LEVEL(WARN) DATA PORTS(*) "
                + "SSHHOST NAME(GW) HOST(*) USER(u) KEY('k') RULE NAME(A) DEST(10.0.0.1) ACTION(DIRECT) "
                + "RULE NAME(B) ACTION(TUNNEL) VIA(GW) RULE NAME(C) ACTION(FTPTUNNEL) VIA(GW) RULE NAME(D) ACTION(DENY)");
        assertThat(config.rules()).extracting(org.ftb.rules.Rule::name).containsExactly("A", "B", "C", "D");
        assertThat(config.broker().maxSessions()).isEqualTo(5);
        assertThat(config.log().level()).isEqualTo(LogLevel.WARN);
        assertThat(messages("SSHHOST NAME(GW) HOST(*) KNOWNHOSTS('/dev/null')\nRULE NAME(A) DEST(10.0.0.1) ACTION(DENY) RULE NAME(B) ACTION(TUNNEL) VIA(GW)"))
                .containsExactly("FTB0123E line 2 column 70: AUTH(KEY) needs SSHHOST GW to have USER(name) and KEY('file')");
        assertThat(messages("RULE NAME(A) DEST(10.0.0.1) ACTION(DENY) RULE NAME(B) ACTION(FTPTUNNEL) VIA(NOWHERE)"))
                .containsExactly("FTB0137E line 1 column 73: VIA(NOWHERE) of rule B names no SSHHOST statement");
        assertThat(messages("RULE NAME(ALL) ACTION(DIRECT) RULE NAME(LATE) ACTION(DENY)")).containsExactly(
                "FTB0131W line 1 column 31: rule LATE can never match: rule ALL on line 1 matches every destination and port");
    }

    /** Issue 7 finding 4: a key, passphrase or host key file that others may use is refused, as OpenSSH refuses it. */
    @Test
    void issue7SecretFilesOthersMayUseAreRefused(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        for (String file : List.of("key", "passphrase", "hostkey")) {
            TestSshServer.writeSecret(dir.resolve(file), "");
        }
        String text = """
                RULE NAME(A) ACTION(DENY)
                SSHHOST NAME(S) HOST(*) KNOWNHOSTS('known_hosts') USER(u) KEY('key') PASSPHRASE('passphrase')
                GATEWAY HOSTKEY('hostkey') USERS('users') PERMIT(*:21)
                """;
        Files.writeString(dir.resolve("known_hosts"), "");
        Files.write(dir.resolve("users"), List.of(UserDirectory.entry("u", "pw".toCharArray(), 10_000)));
        assertThat(load(text, ConfigSource.RecordFormat.STREAM, Map.of(), dir).diagnostics().all()).as("owner-only").isEmpty();
        Files.setPosixFilePermissions(dir.resolve("key"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir.resolve("passphrase"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(dir.resolve("hostkey"), java.nio.file.attribute.PosixFilePermissions.fromString("rw----rw-"));
        ConfigLoader.Result result = load(text, ConfigSource.RecordFormat.STREAM, Map.of(), dir);
        assertThat(result.returnCode()).isEqualTo(8);
        assertThat(result.diagnostics().all()).extracting(Diagnostic::text).containsExactly(
                "FTB0143E line 2 column 59: UNPROTECTED PRIVATE KEY FILE: KEY file " + dir.resolve("key")
                        + " is refused: its permissions rw-r--r-- let others at it; make it owner-only (chmod 600)",
                "FTB0143E line 2 column 70: UNPROTECTED PRIVATE KEY FILE: PASSPHRASE file " + dir.resolve("passphrase")
                        + " is refused: its permissions rw-r----- let others at it; make it owner-only (chmod 600)",
                "FTB0143E line 3 column 9: UNPROTECTED PRIVATE KEY FILE: HOSTKEY file " + dir.resolve("hostkey")
                        + " is refused: its permissions rw----rw- let others at it; make it owner-only (chmod 600)");
    }

    @Test
    void issue6FilesTheBrokerWouldRefuseOrFailOnAreFoundWhenBinding(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("plain"), "not a directory\n");
        Files.writeString(dir.resolve("known_hosts"), "");
        TestSshServer.writeSecret(dir.resolve("key"), "");
        ConfigLoader.Result result = load("""
                LOG FILE('logs')
                RULE NAME(A) ACTION(DENY)
                SSHHOST NAME(S) HOST(*) KNOWNHOSTS('nokh') USER(u) KEY('nokey') PASSPHRASE('nopass')
                SSHHOST NAME(N) HOST(*) KNOWNHOSTS('nokh') HOSTKEYS(ACCEPTNEW)
                SSHHOST NAME(OK) HOST(*) KNOWNHOSTS('known_hosts') USER(u) KEY('key')
                GATEWAY HOSTKEY('hostkey') AUTHORIZEDKEYS('nokeys') PERMIT(*:21)
                """, ConfigSource.RecordFormat.STREAM, Map.of(), dir);
        Files.createDirectories(dir.resolve("logs"));
        assertThat(load("GATEWAY HOSTKEY('hostkey') AUTHORIZEDKEYS('plain') PERMIT(*:21)", ConfigSource.RecordFormat.STREAM, Map.of(), dir)
                .diagnostics().all()).extracting(Diagnostic::text).as("issue 7: keys belong to a user").containsExactly(
                "FTB0123E line 1 column 28: AUTHORIZEDKEYS(" + dir.resolve("plain") + ") must be a directory with one authorized_keys"
                        + " file per user, named as the user: a key logs in only the user whose file holds it");
        assertThat(load("LOG FILE('logs')\nRULE NAME(A) ACTION(DENY)", ConfigSource.RecordFormat.STREAM, Map.of(), dir)
                .diagnostics().all()).extracting(Diagnostic::text).containsExactly(
                "FTB0140E line 1 column 5: FILE(" + dir.resolve("logs") + ") cannot be written: it is a directory");
        assertThat(load("LOG FILE('plain/ftb.log')\nRULE NAME(A) ACTION(DENY)", ConfigSource.RecordFormat.STREAM, Map.of(), dir)
                .diagnostics().all()).extracting(Diagnostic::text).containsExactly(
                "FTB0140E line 1 column 5: FILE(" + dir.resolve("plain/ftb.log") + ") cannot be written: "
                        + dir.resolve("plain") + " is not a directory");
        assertThat(load("LOG FILE('new/dir/ftb.log')\nRULE NAME(A) ACTION(DENY)", ConfigSource.RecordFormat.STREAM, Map.of(), dir)
                .diagnostics().all()).as("missing directories are made, as the log appender makes them").isEmpty();
        assertThat(result.returnCode()).as("LOG FILE('logs') is still writable while 'logs' does not exist").isEqualTo(4);
        assertThat(result.diagnostics().all()).extracting(Diagnostic::text).containsExactly(
                "FTB0141W line 3 column 25: KNOWNHOSTS file " + dir.resolve("nokh") + " cannot be read (no such file): "
                        + "HOSTKEYS(STRICT) will refuse the host key of every SSH server of this SSHHOST",
                "FTB0142W line 3 column 52: KEY file " + dir.resolve("nokey") + " cannot be read (no such file): "
                        + "tunnels that log in with this key will fail (FTB0224E)",
                "FTB0142W line 3 column 65: PASSPHRASE file " + dir.resolve("nopass") + " cannot be read (no such file): "
                        + "tunnels that log in with this key will fail (FTB0224E)",
                "FTB0141W line 4 column 25: KNOWNHOSTS file " + dir.resolve("nokh") + " cannot be read (no such file): "
                        + "HOSTKEYS(ACCEPTNEW) will create it and trust the first host key each SSH server of this SSHHOST offers",
                "FTB0142W line 6 column 28: AUTHORIZEDKEYS file " + dir.resolve("nokeys") + " cannot be read (no such directory): "
                        + "the gateway will refuse every public-key login");
    }

    private static final String DENY = "\nRULE NAME(A) ACTION(DENY)";

    /** Issue 8: the log file rolls, within limits the configuration checks where they are written. */
    @Test
    void logRollingOperandsAreCheckedAtTheirLineAndColumn(@TempDir Path dir) {
        assertThat(config("LOG FILE('ftb.log') MAXSIZE(10m) KEEP(30) TOTALSIZE(2G)").log().rolling())
                .isEqualTo(new LogSettings.Rolling(10L << 20, 30, 2L << 30));
        assertThat(config("LOG FILE('ftb.log')").log().rolling()).isEqualTo(new LogSettings.Rolling(50L << 20, 14, 1L << 30));
        assertThat(messages("LOG FILE('ftb.log') MAXSIZE(50Q) TOTALSIZE(2T)" + DENY)).containsExactly(
                "FTB0147E line 1 column 29: MAXSIZE(50Q) must be a size from 1K to 4G: a whole number of bytes, or of K, M or G, such as 50M",
                "FTB0147E line 1 column 44: TOTALSIZE(2T) must be a size from 1K to 1024G: a whole number of bytes, or of K, M or G, such as 50M");
        assertThat(messages("LOG FILE('ftb.log') MAXSIZE(512)")).anyMatch(m -> m.startsWith("FTB0147E line 1 column 29: MAXSIZE(512) must be"));
        assertThat(messages("LOG FILE('ftb.log') KEEP(0)" + DENY)).containsExactly(
                "FTB0116E line 1 column 26: KEEP(0) must be a whole number from 1 to 3650");
        assertThat(messages("LOG FILE('ftb.log') MAXSIZE(2G)" + DENY)).containsExactly("FTB0123E line 1 column 21: TOTALSIZE(1G) is less than"
                + " twice MAXSIZE(2G): a rolled file is larger than MAXSIZE and would be deleted at once; give TOTALSIZE at least twice MAXSIZE");
        assertThat(messages("LOG LEVEL(INFO) KEEP(7)" + DENY)).containsExactly(
                "FTB0122E line 1 column 17: KEEP is used only with FILE('path'): only a log file rolls");
        assertThat(load("LOG FILE('ftb-%d.log')", ConfigSource.RecordFormat.STREAM, Map.of(), dir).diagnostics().all())
                .extracting(Diagnostic::text).contains("FTB0140E line 1 column 5: FILE(" + dir.resolve("ftb-%d.log")
                        + ") cannot be written: a path with '%' cannot be rolled, since the rolled files' names are made from it");
    }

    @Test
    void effectiveConfigurationParsesBackToTheSameConfiguration() {
        BrokerConfig config = config("""
                SOCKS LISTEN([::1]:1090) VERSIONS(5)
                RULE NAME(A) DEST(*.Example.COM 10.1.2.3/16 ::1) PORTS(21,1000-2000) ACTION(DIRECT)
                SSHHOST NAME(GW) HOST(10.1.1.1) KNOWNHOSTS('/etc/ftb/known_hosts') USER('It''s') KEY('/k')
                RULE NAME(B) ACTION(FTPTUNNEL) VIA(GW) FALLBACK(PLAIN)
                LOG FILE('/tmp/it''s.log') AUDIT(NO) MAXSIZE(1536K)
                """);
        List<String> printed = ConfigPrinter.print(config);
        assertThat(printed).anyMatch(line -> line.startsWith("LOG LEVEL(INFO) FILE('/tmp/it''s.log') MAXSIZE(1536K) KEEP(14) TOTALSIZE(1G) "));
        assertThat(printed).contains("RULE NAME(A) DEST(*.example.com 10.1.0.0/16 ::1) PORTS(21 1000-2000) ACTION(DIRECT)");
        BrokerConfig again = config(String.join("\n", printed));
        assertThat(ConfigPrinter.print(again)).isEqualTo(printed);
        assertThat(again.rules()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("line").isEqualTo(config.rules());
        assertThat(again.socks().listen()).isEqualTo(config.socks().listen());
        assertThat(again.log()).isEqualTo(config.log());
        assertThat(again.sshHosts()).isEqualTo(config.sshHosts());
    }
}

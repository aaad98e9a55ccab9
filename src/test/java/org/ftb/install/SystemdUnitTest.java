package org.ftb.install;

import org.ftb.config.BrokerSettings;
import org.ftb.config.Diagnostics;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9: the systemd units of samples/ start the launcher where the install layout puts it, send
 * SIGHUP for a reload, give a stop more than the broker's drain time, and agree with each other on the
 * hardening; {@code systemd-analyze verify} finds nothing to say about them where it is installed.
 */
class SystemdUnitTest {
    private static final Path BROKER_UNIT = Path.of("samples/ftb.service");
    private static final Path GATEWAY_UNIT = Path.of("samples/ftb-gateway.service");
    private static final Path LAUNCHER = Path.of("samples/ftb");
    /** The install layout of docs/operations.md, which the launcher's header describes too. */
    private static final String INSTALLED_LAUNCHER = "/opt/ftb/bin/ftb";
    /** What a stop takes beyond STOPTIMEOUT at most: the reactors' and the audit writer's queues (5 s each), and the JVM's exit. */
    private static final long STOP_MARGIN_SECONDS = 15;

    /** A unit file: "Section.Key" to its value (the last one, as systemd takes it for these keys). */
    private static Map<String, String> unit(Path file) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        String section = "";
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                section = line.substring(1, line.indexOf(']'));
                continue;
            }
            int equals = line.indexOf('=');
            assertThat(equals).as("%s: %s", file, line).isPositive();
            entries.put(section + "." + line.substring(0, equals), line.substring(equals + 1));
        }
        return entries;
    }

    @Test
    void theUnitsRunTheLauncherOfTheInstallLayoutAndReloadBySighup() throws IOException {
        String launcher = Files.readString(LAUNCHER);
        assertThat(launcher).as("the launcher's header gives the layout").contains(INSTALLED_LAUNCHER + " ", "/opt/ftb/lib/ftb.jar ");
        assertThat(Path.of(INSTALLED_LAUNCHER).getParent().resolveSibling("lib/ftb.jar")).as("where the launcher looks first")
                .isEqualTo(Path.of("/opt/ftb/lib/ftb.jar"));
        Map<String, String> broker = unit(BROKER_UNIT);
        Map<String, String> gateway = unit(GATEWAY_UNIT);
        assertThat(broker).containsEntry("Service.ExecStart", INSTALLED_LAUNCHER + " broker --config /etc/ftb/ftb.conf");
        assertThat(gateway).containsEntry("Service.ExecStart", INSTALLED_LAUNCHER + " gateway --config /etc/ftb/gateway.conf");
        for (Map<String, String> unit : List.of(broker, gateway)) {
            assertThat(unit).containsEntry("Service.ExecReload", "/bin/kill -HUP $MAINPID")
                    .containsEntry("Service.KillSignal", "SIGTERM")
                    .containsEntry("Service.User", "ftb")
                    .containsEntry("Service.Restart", "on-failure")
                    .containsEntry("Service.RestartPreventExitStatus", Integer.toString(Diagnostics.RC_ERROR))
                    .containsEntry("Service.SuccessExitStatus", "143")
                    .containsEntry("Service.RuntimeDirectoryMode", "0700")
                    .containsEntry("Service.CapabilityBoundingSet", "")
                    .containsEntry("Service.NoNewPrivileges", "yes")
                    .containsEntry("Service.ProtectSystem", "strict")
                    .containsEntry("Service.RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX")
                    .doesNotContainKey("Service.MemoryDenyWriteExecute");
        }
    }

    @Test
    void aStopHasMoreTimeThanTheBrokersDefaultStopTimeout() throws IOException {
        long timeout = Long.parseLong(unit(BROKER_UNIT).get("Service.TimeoutStopSec"));
        assertThat(timeout).isGreaterThanOrEqualTo(BrokerSettings.DEFAULTS.stopTimeout().toSeconds() + STOP_MARGIN_SECONDS);
        assertThat(Files.readString(BROKER_UNIT)).contains("STOPTIMEOUT (" + BrokerSettings.DEFAULTS.stopTimeout().toSeconds()
                + " s by default)", "above STOPTIMEOUT plus " + STOP_MARGIN_SECONDS + " s");
    }

    /** The gateway's unit is the broker's but for what it runs, its stop time and its runtime folder. */
    @Test
    void theGatewaysUnitDiffersFromTheBrokersOnlyWhereItMust() throws IOException {
        Map<String, String> broker = unit(BROKER_UNIT);
        Map<String, String> gateway = unit(GATEWAY_UNIT);
        List<String> own = List.of("Unit.Description", "Service.ExecStart", "Service.TimeoutStopSec", "Service.RuntimeDirectory");
        assertThat(gateway.get("Service.RuntimeDirectory")).as("systemd removes it when its service stops")
                .isNotEqualTo(broker.get("Service.RuntimeDirectory"));
        own.forEach(key -> {
            broker.remove(key);
            gateway.remove(key);
        });
        assertThat(gateway).containsExactlyInAnyOrderEntriesOf(broker);
    }

    @Test
    void theDocsSayWhyEachShippedJvmOptionIsThere() throws IOException {
        Matcher shipped = Pattern.compile("(?m)^(heap|collector|bounds)='([^']*)'$").matcher(Files.readString(LAUNCHER));
        String operations = Files.readString(Path.of("docs/operations.md"));
        int lists = 0;
        while (shipped.find()) {
            lists++;
            for (String option : shipped.group(2).split(" ")) {
                assertThat(operations).as("docs/operations.md explains " + option).contains("`" + option + "`");
            }
        }
        assertThat(lists).as("the launcher's heap, collector and bounds").isEqualTo(3);
        assertThat(operations).contains("`MALLOC_ARENA_MAX=2`");
        assertThat(operations).contains("`FTB_JAVA_OPTS`", "`FTB_HOME`", "`JAVA_HOME`", "samples/FTBENV17", "samples/ftb.service",
                "samples/ftb-gateway.service", "`org.ftb:type=Broker", "`org.ftb:type=Gateway", "com.sun.management.jmxremote");
    }

    @Test
    void systemdAnalyzeVerifiesTheUnitsAsInstalled(@TempDir Path root) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")) || Files.isExecutable(Path.of("/bin/systemd-analyze")),
                "systemd-analyze is not installed");
        Path launcher = Files.createDirectories(root.resolve("opt/ftb/bin")).resolve("ftb");
        Files.copy(LAUNCHER, launcher, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify"));
        for (Path unit : List.of(BROKER_UNIT, GATEWAY_UNIT)) {
            // verify checks that ExecStart can be run: here it is the launcher installed under a temporary root.
            Path installed = root.resolve(unit.getFileName());
            Files.writeString(installed, Files.readString(unit).replace(INSTALLED_LAUNCHER + " ", launcher + " "));
            command.add(installed.toString());
        }
        Process verify = new ProcessBuilder(command).redirectErrorStream(true).start();
        verify.getOutputStream().close();
        String out = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(verify.exitValue()).as(out).isZero();
        assertThat(out).as("systemd-analyze warns of nothing (an unknown key or a bad value is only a warning)").isEmpty();
    }
}

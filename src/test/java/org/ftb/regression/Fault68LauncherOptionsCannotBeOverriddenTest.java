package org.ftb.regression;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault 68: docs/operations.md ("The launcher ftb") and samples/ftb promise that FTB_JAVA_OPTS comes after the
 * shipped options "so that an option there wins over a shipped one". Since issue 10 ships
 * {@code -Xms32m -XX:+UseSerialGC}, two natural overrides make the JVM refuse to start, so the service does not
 * come up at all (RC 1, not one of ftb's return codes; under systemd a restart loop until StartLimitBurst):
 * <ul>
 * <li>{@code FTB_JAVA_OPTS=-XX:+UseG1GC} (or ParallelGC, ZGC): "Error occurred during initialization of VM /
 * Multiple garbage collectors selected": the shipped collector cannot be replaced by naming another;</li>
 * <li>{@code FTB_JAVA_OPTS=-Xmx24m} (a small install): "Initial heap size set to a larger value than the maximum
 * heap size": the shipped -Xms32m is not lowered with it.</li>
 * </ul>
 * Seen the same with Java 17 and Temurin 25.
 *
 * <p>Attack: samples/ftb installed as operations.md lays it out, run with nothing of the test's environment but
 * JAVA_HOME, PATH and FTB_JAVA_OPTS; the jar is a stand-in whose main class prints the JVM's collectors and heap.
 *
 * <p>Correct: the JVM starts, with the collector or heap bound FTB_JAVA_OPTS asks for.
 */
@Timeout(120)
class Fault68LauncherOptionsCannotBeOverriddenTest {
    @TempDir
    Path root;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-XX:+UseG1GC | G1 Young Generation",
            "-Xmx24m      | max heap 25165824"})
    void anOptionInFtbJavaOptsWinsOverTheShippedOne(String option, String expected) throws Exception {
        Path bin = Files.createDirectories(root.resolve("opt/ftb/bin"));
        Path launcher = Files.copy(Path.of("samples/ftb"), bin.resolve("ftb"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        standIn(Files.createDirectories(root.resolve("opt/ftb/lib")).resolve("ftb.jar"));

        Process process = new ProcessBuilder(List.of("env", "-i", "JAVA_HOME=" + System.getProperty("java.home"), "PATH=/usr/bin:/bin",
                "FTB_JAVA_OPTS=" + option, "/bin/sh", launcher.toString(), "--version"))
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = process.waitFor();

        assertThat(rc).as("FTB_JAVA_OPTS=%s: %s", option, out).isZero();
        assertThat(out).contains("stand-in started").contains(expected);
    }

    /** A jar whose main class is {@link StandIn}, found through its Class-Path in this test's classes. */
    private static void standIn(Path jar) throws IOException, java.net.URISyntaxException {
        Path classes = Path.of(StandIn.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, StandIn.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classes.toUri().toString());
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.flush();
        }
    }

    /** What the launcher's JVM runs instead of ftb: the collectors and heap bound it was given. */
    public static final class StandIn {
        private StandIn() {
        }

        public static void main(String[] args) {
            System.out.println("stand-in started");
            ManagementFactory.getGarbageCollectorMXBeans().forEach(gc -> System.out.println("collector " + gc.getName()));
            System.out.println("max heap " + ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("MaxHeapSize").getValue());
        }
    }
}

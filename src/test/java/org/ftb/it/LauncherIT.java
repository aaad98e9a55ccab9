package org.ftb.it;

import org.ftb.message.Msg;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ftb.it.BrokerJarIT.Result;
import static org.ftb.it.BrokerJarIT.Running;
import static org.ftb.it.BrokerJarIT.run;

/**
 * Issue 9: the launcher samples/ftb, installed as docs/operations.md lays it out (/opt/ftb/bin/ftb and
 * /opt/ftb/lib/ftb.jar, here under a temporary root), run by sh and by dash with nothing of the test's
 * environment but what each case sets.
 */
@Timeout(120)
class LauncherIT {
    private static final Path JAR = Path.of(System.getProperty("ftb.jar", "target/ftb.jar"));
    private static final String JAVA_HOME = System.getProperty("java.home");
    /** What the launcher needs besides Java: sed, dirname, readlink. */
    private static final String SYSTEM_PATH = "/usr/bin:/bin";

    @TempDir
    Path root;
    private Path launcher;

    @BeforeEach
    void install() throws IOException {
        launcher = installScript(root.resolve("opt/ftb/bin"));
        Files.createDirectories(root.resolve("opt/ftb/lib"));
        Files.createSymbolicLink(root.resolve("opt/ftb/lib/ftb.jar"), JAR.toAbsolutePath());
    }

    private static Path installScript(Path bin) throws IOException {
        Files.createDirectories(bin);
        Path script = Files.copy(Path.of("samples/ftb"), bin.resolve("ftb"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** The shells a launcher must run in: sh always, dash where it is installed (the sh of Debian and Ubuntu). */
    static Stream<String> shells() {
        return Stream.of("/bin/sh", "/usr/bin/dash", "/bin/dash").filter(s -> Files.isExecutable(Path.of(s)))
                .filter(s -> !s.equals("/bin/dash") || !Files.isExecutable(Path.of("/usr/bin/dash")));
    }

    /** {@code shell script args...} in an environment of exactly {@code environment} (NAME=value). */
    private static List<String> command(List<String> environment, String shell, Path script, String... args) {
        List<String> command = new ArrayList<>(List.of("env", "-i"));
        command.addAll(environment);
        command.add(shell);
        command.add(script.toString());
        command.addAll(List.of(args));
        return command;
    }

    private static List<String> javaHome() {
        return List.of("JAVA_HOME=" + JAVA_HOME, "PATH=" + SYSTEM_PATH);
    }

    private static void assertVersion(Result result) {
        assertThat(result.rc()).as(result.out()).isZero();
        assertThat(result.out()).startsWith("ftb ").contains("Java 17", "Java " + System.getProperty("java.version"));
    }

    @ParameterizedTest
    @MethodSource("shells")
    void theLauncherFindsJavaAndTheJarOfTheInstallLayout(String shell) throws Exception {
        assertVersion(run(command(javaHome(), shell, launcher, "--version")));
        assertVersion(run(command(List.of("PATH=" + Path.of(JAVA_HOME, "bin") + ":" + SYSTEM_PATH), shell, launcher, "--version")));

        Path link = Files.createDirectories(root.resolve("usr/local/bin")).resolve("ftb");
        Files.createSymbolicLink(link, link.getParent().relativize(launcher));
        assertVersion(run(command(javaHome(), shell, link, "--version")));

        Path besideTheJar = installScript(root.resolve("flat"));
        Files.createSymbolicLink(besideTheJar.resolveSibling("ftb.jar"), JAR.toAbsolutePath());
        assertVersion(run(command(javaHome(), shell, besideTheJar, "--version")));

        Path elsewhere = installScript(root.resolve("elsewhere"));
        List<String> ftbHome = new ArrayList<>(javaHome());
        ftbHome.add("FTB_HOME=" + root.resolve("opt/ftb"));
        assertVersion(run(command(ftbHome, shell, elsewhere, "--version")));
    }

    @Test
    void theScriptRunsByItsOwnInterpreterLine() throws Exception {
        List<String> command = new ArrayList<>(List.of("env", "-i"));
        command.addAll(javaHome());
        command.addAll(List.of(launcher.toString(), "--version"));
        assertVersion(run(command));
    }

    @Test
    void theShippedJvmOptionsApplyAndFtbJavaOptsComesAfterThem() throws Exception {
        List<String> flags = new ArrayList<>(javaHome());
        flags.add("FTB_JAVA_OPTS=-XX:+PrintFlagsFinal");
        Result shipped = run(command(flags, "/bin/sh", launcher, "--version"));
        assertThat(shipped.out()).containsPattern("size_t MaxHeapSize += 335544320 ")
                .containsPattern("bool UseSerialGC += true ")
                .containsPattern("intx CICompilerCount += 2 ")
                .containsPattern("bool ExitOnOutOfMemoryError += true ");
        flags.set(flags.size() - 1, "FTB_JAVA_OPTS=-Xmx1g -XX:-ExitOnOutOfMemoryError -XX:+PrintFlagsFinal");
        Result overridden = run(command(flags, "/bin/sh", launcher, "--version"));
        assertThat(overridden.rc()).isZero();
        assertThat(overridden.out()).containsPattern("size_t MaxHeapSize += 1073741824 ")
                .containsPattern("bool ExitOnOutOfMemoryError += false ");
    }

    /**
     * The launcher execs Java: the process the service manager started is the JVM itself (FTB0001I gives
     * its pid), so SIGTERM reaches the broker, which stops gracefully with RC 0. A shell left in between
     * would die of the signal (RC 143) and leave the JVM running.
     */
    @ParameterizedTest
    @MethodSource("shells")
    void aBrokerStartedByTheLauncherIsTheProcessItselfAndStopsOnSigterm(String shell) throws Exception {
        Path config = root.resolve("ftb.conf");
        Files.writeString(config, "SOCKS LISTEN(127.0.0.1:" + BrokerJarIT.freePort() + ")\nRULE NAME(REST) ACTION(DENY)\n");
        try (Running broker = Running.start(BrokerJarIT.withDefaultSignals(command(javaHome(), shell, launcher, "broker", "--config",
                config.toString())))) {
            broker.awaitLine("FTB0003I");
            // The console starts after the signal handlers: its answer says they are in place. (A SIGTERM
            // before them stops the broker through the JVM's shutdown, with RC 143.)
            broker.console().println("DISPLAY");
            broker.awaitLine("FTB0310I");
            // env execs as well: the process started is env, then the shell, then the JVM.
            assertThat(broker.output()).anyMatch(l -> l.contains("FTB0001I") && l.endsWith(", pid " + broker.process().pid()));
            BrokerJarIT.kill("TERM", broker.process());
            BrokerJarIT.assertQuietStop(broker, "FTB0004I STOP from SIGTERM:");
        }
    }

    private Path fakeJava(String versionLine) throws IOException {
        Path java = Files.createDirectories(root.resolve("old-java/bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho '" + versionLine + "' >&2\necho 'OpenJDK Runtime Environment' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return java;
    }

    private static void assertRefusal(Result result, String message) {
        assertThat(result.rc()).as(result.out()).isEqualTo(12);
        assertThat(result.out()).isEqualTo(message + "\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "openjdk version \"11.0.2\" 2019-01-15 | 11.0.2",
            "java version \"1.8.0_392\" | 1.8.0_392",
            "openjdk version \"16\" 2021-03-16 | 16"})
    void aJavaOlderThan17IsNamedWithItsVersion(String versionLine, String version) throws Exception {
        Path java = fakeJava(versionLine);
        for (String shell : shells().toList()) {
            assertRefusal(run(command(List.of("JAVA_HOME=" + root.resolve("old-java"), "PATH=" + SYSTEM_PATH), shell, launcher, "--version")),
                    Msg.FTB0024E.format(java, version));
        }
    }

    @Test
    void noJavaAtAllOrNoneThatSaysItsVersionIsSaidSo() throws Exception {
        Path empty = Files.createDirectories(root.resolve("empty"));
        for (String shell : shells().toList()) {
            assertRefusal(run(command(List.of("PATH=" + empty), shell, launcher, "--version")),
                    Msg.FTB0023E.format("JAVA_HOME is not set and PATH has no java"));
            assertRefusal(run(command(List.of("JAVA_HOME=" + empty, "PATH=" + SYSTEM_PATH), shell, launcher, "--version")),
                    Msg.FTB0023E.format("JAVA_HOME " + empty + " has no bin/java"));
            Path java = fakeJava("Error: could not open libjvm.so");
            assertRefusal(run(command(List.of("JAVA_HOME=" + root.resolve("old-java"), "PATH=" + SYSTEM_PATH), shell, launcher, "--version")),
                    Msg.FTB0023E.format(java + " does not say its version"));
        }
    }

    @Test
    void aJarThatIsNotWhereTheLayoutSaysIsSaidSo() throws Exception {
        List<String> environment = new ArrayList<>(javaHome());
        environment.add("FTB_HOME=" + root.resolve("nowhere"));
        assertRefusal(run(command(environment, "/bin/sh", launcher, "--version")),
                Msg.FTB0025E.format(root.resolve("nowhere/lib/ftb.jar")));
        Path lone = installScript(root.resolve("lone/bin"));
        Path bin = lone.getParent();
        assertRefusal(run(command(javaHome(), "/bin/sh", lone, "--version")),
                Msg.FTB0025E.format(bin + "/../lib/ftb.jar or " + bin + "/ftb.jar"));
    }
}

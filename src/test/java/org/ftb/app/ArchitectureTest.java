package org.ftb.app;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The codecs and the policy stay pure, and the dependency arrows run one way. */
class ArchitectureTest {
    private static final JavaClasses PRODUCT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.ftb");

    @Test
    void protocolCodecsPolicyAndConsoleDoNoNetworking() {
        noClasses().that().resideInAnyPackage("org.ftb.socks..", "org.ftb.rules..", "org.ftb.config..", "org.ftb.console..",
                        "org.ftb.address..", "org.ftb.message..", "org.ftb.status..", "org.ftb.ftp..", "org.ftb.relay..")
                .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.channels..", "org.apache.sshd..")
                .check(PRODUCT);
    }

    @Test
    void nothingDependsOnTheCommandLineAndOnlyItDependsOnTheWiring() {
        noClasses().that().resideOutsideOfPackage("org.ftb.cli..").should().dependOnClassesThat().resideInAPackage("org.ftb.cli..")
                .check(PRODUCT);
        noClasses().that().resideOutsideOfPackages("org.ftb.cli..", "org.ftb.app..")
                .should().dependOnClassesThat().resideInAPackage("org.ftb.app..").check(PRODUCT);
    }

    @Test
    void onlyTheSshClientAndTheGatewayTouchMinaSshd() {
        noClasses().that().resideOutsideOfPackages("org.ftb.ssh..", "org.ftb.gateway..").should().dependOnClassesThat()
                .resideInAPackage("org.apache.sshd..").check(PRODUCT);
    }

    @Test
    void onlyTheBrokerCombinesTheRelaySshAndNetworking() {
        noClasses().that().resideInAPackage("org.ftb.relay..").should().dependOnClassesThat()
                .resideInAnyPackage("org.ftb.net..", "org.ftb.ssh..", "org.ftb.broker..").check(PRODUCT);
        noClasses().that().resideInAPackage("org.ftb.net..").should().dependOnClassesThat()
                .resideInAnyPackage("org.ftb.ssh..", "org.ftb.broker..").check(PRODUCT);
        noClasses().that().resideInAPackage("org.ftb.ssh..").should().dependOnClassesThat()
                .resideInAnyPackage("org.ftb.net..", "org.ftb.broker..").check(PRODUCT);
        noClasses().that().resideOutsideOfPackages("org.ftb.broker..", "org.ftb.app..", "org.ftb.cli..").should().dependOnClassesThat()
                .resideInAPackage("org.ftb.broker..").check(PRODUCT);
    }

    @Test
    void thePackagesHaveNoCycles() {
        com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices().matching("org.ftb.(*)..").should().beFreeOfCycles()
                .check(PRODUCT);
    }

    /**
     * Issue 8: text is never encoded or decoded in the JVM's default charset, which is file.encoding
     * (IBM-1047 or UTF-8 on z/OS, as a site sets it): the FTP control connection stays ASCII on the
     * wire, files are read by TextFiles' rule, the log in its own code pages. Only the platforms ask
     * for it, to compare it with the console's.
     */
    @Test
    void issue8NothingUsesTheDefaultCharset() {
        noClasses().that().doNotHaveFullyQualifiedName("org.ftb.platform.JvmPlatform")
                .and().doNotHaveFullyQualifiedName("org.ftb.platform.zos.ZosPlatform")
                .should().callMethod(java.nio.charset.Charset.class, "defaultCharset")
                .orShould().callMethod(String.class, "getBytes")
                .orShould().callConstructor(String.class, byte[].class)
                .orShould().callConstructor(String.class, byte[].class, int.class, int.class)
                .orShould().callConstructor(java.io.InputStreamReader.class, java.io.InputStream.class)
                .orShould().callConstructor(java.io.OutputStreamWriter.class, java.io.OutputStream.class)
                .orShould().callConstructor(java.io.PrintStream.class, java.io.OutputStream.class)
                .orShould().callConstructor(java.io.PrintStream.class, java.io.OutputStream.class, boolean.class)
                .orShould().callConstructor(java.io.PrintWriter.class, java.io.OutputStream.class)
                .orShould().callConstructor(java.io.FileReader.class, String.class)
                .orShould().callConstructor(java.io.FileWriter.class, String.class)
                .orShould().callConstructor(java.util.Scanner.class, java.io.InputStream.class)
                .orShould().callMethod(java.io.ByteArrayOutputStream.class, "toString")
                .check(PRODUCT);
    }

    /**
     * Issue 9: the counters DISPLAY and JMX read are bumped on the data path by every reactor thread; they
     * stay atomics, so that counting never takes a lock.
     */
    @Test
    void issue9TheBrokersCountersTakeNoLock() {
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields().that().areDeclaredInClassesThat()
                .haveFullyQualifiedName("org.ftb.broker.Counters")
                .should().haveRawType(com.tngtech.archunit.base.DescribedPredicate.describe("an atomic",
                        (com.tngtech.archunit.core.domain.JavaClass type) -> type.getPackageName().equals("java.util.concurrent.atomic")))
                .check(PRODUCT);
        noClasses().that().haveFullyQualifiedName("org.ftb.broker.Counters").should().dependOnClassesThat()
                .resideInAPackage("java.util.concurrent.locks..").check(PRODUCT);
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods().that().areDeclaredInClassesThat()
                .haveFullyQualifiedName("org.ftb.broker.Counters")
                .should().notHaveModifier(com.tngtech.archunit.core.domain.JavaModifier.SYNCHRONIZED).check(PRODUCT);
    }

    /** Issue 9: JMX is reachable from outside the JVM only through the JDK's own jmxremote options, never by ftb. */
    @Test
    void issue9NothingOpensARemoteJmxConnector() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("javax.management.remote..", "jdk.internal.agent..",
                "sun.management..").check(PRODUCT);
    }

    @Test
    void onlyThePlatformAdapterTouchesJzos() {
        noClasses().that().resideOutsideOfPackage("org.ftb.platform.zos..").should().dependOnClassesThat()
                .resideInAPackage("com.ibm.jzos..").check(PRODUCT);
    }
}

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

    @Test
    void onlyThePlatformAdapterTouchesJzos() {
        noClasses().that().resideOutsideOfPackage("org.ftb.platform.zos..").should().dependOnClassesThat()
                .resideInAPackage("com.ibm.jzos..").check(PRODUCT);
    }
}

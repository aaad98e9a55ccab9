package org.ftb.jmx;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.ftb.address.HostPort;
import org.ftb.app.Broker;
import org.ftb.cli.Main;
import org.ftb.config.ConfigFixtures;
import org.ftb.config.GatewaySettings;
import org.ftb.gateway.Gateway;
import org.ftb.message.MessageLog;
import org.ftb.net.Resolver;
import org.ftb.rules.DestinationPattern;
import org.ftb.rules.PortRange;
import org.ftb.testing.Bytes;
import org.ftb.testing.EchoServer;
import org.ftb.testing.LogCapture;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestSshServer;
import org.ftb.testing.TestTextFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ftb.testing.SocksClient.loopback;

/**
 * Issue 9: the broker's and the gateway's figures on the platform MBean server, read by ObjectName as
 * any JMX client reads them, following real sessions through the broker and the embedded gateway.
 */
@Timeout(60)
class StatisticsTest {
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();
    private static final List<String> BROKER_ATTRIBUTES = List.of("Version", "Stopping", "UptimeSeconds", "Listeners",
            "ActiveSessions", "MaxSessions", "PeakSessions", "LoggingIn", "HeldUploads", "Accepted", "Relayed", "Denied", "Refused",
            "Failed", "Busy", "BytesUp", "BytesDown", "Draining", "Generation", "SshConnections", "Fallbacks", "Transfers");
    private static final List<String> GATEWAY_ATTRIBUTES = List.of("Version", "UptimeSeconds", "Listener", "ActiveSessions",
            "PeakSessions", "Accepted", "Tunnels", "Denied", "PasswordsRefused", "Draining");

    @TempDir
    Path dir;
    private LogCapture log;
    private EchoServer echo;

    @BeforeEach
    void setUp() throws IOException {
        log = new LogCapture();
        echo = new EchoServer();
    }

    @AfterEach
    void tearDown() throws Exception {
        echo.close();
        log.close();
    }

    private static Object read(ObjectName name, String attribute) throws Exception {
        return JMX.getAttribute(name, attribute);
    }

    private static long count(ObjectName name, String attribute) throws Exception {
        return ((Number) read(name, attribute)).longValue();
    }

    /** An embedded gateway that lets the key of user {@code tunnel} reach the echo server only. */
    private Gateway gateway(KeyPair userKey) throws IOException {
        Path keys = Files.createDirectories(dir.resolve("authorized_keys"));
        Files.writeString(keys.resolve("tunnel"), PublicKeyEntry.toString(userKey.getPublic()) + "\n");
        return Gateway.start(new GatewaySettings(new HostPort("127.0.0.1", 0), dir.resolve("hostkey"), Optional.empty(), Optional.empty(),
                Optional.of(keys), GatewaySettings.DEFAULT_MAX_AUTH_TRIES,
                List.of(new GatewaySettings.Permit(DestinationPattern.parse("127.0.0.1").orElseThrow(), new PortRange(echo.port(), echo.port()))), TestTextFiles.UTF8), new MessageLog(LoggerFactory.getLogger("ftb")));
    }

    /** Opens a SOCKS 5 tunnel to the echo server and echoes {@code size} bytes through it. */
    private Socket echoThrough(TestBroker broker, int size) throws IOException {
        Socket client = SocksClient.open(broker.port());
        assertThat(SocksClient.v5(client, Bytes.v5Ipv4(1, loopback(), echo.port()))).startsWith(5, 0);
        byte[] data = new byte[size];
        new Random(9).nextBytes(data);
        SocksClient.send(client, data);
        assertThat(SocksClient.read(client, size)).isEqualTo(data);
        return client;
    }

    /** A SOCKS 5 request that rule REST denies. */
    private static void denied(TestBroker broker) throws IOException {
        try (Socket client = SocksClient.open(broker.port())) {
            assertThat(SocksClient.v5(client, Bytes.v5Ipv4(1, new int[]{127, 0, 0, 2}, 21))).startsWith(5, 2);
        }
    }

    @Test
    void theFiguresFollowASessionThroughTheBrokerAndTheGatewayAndGoAtTheStop() throws Exception {
        Path key = dir.resolve("id_rsa");
        KeyPair userKey = TestSshServer.writeRsaKey(key);
        Gateway gateway = gateway(userKey);
        ObjectName gatewayName = Statistics.name("Gateway", "127.0.0.1:" + gateway.port());
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, gateway.knownHostsLine() + "\n");
        try {
            TestBroker broker = TestBroker.start("SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + gateway.port() + ") KNOWNHOSTS('" + knownHosts
                    + "') USER(tunnel) KEY('" + key + "')\n"
                    + "RULE NAME(ECHO) DEST(127.0.0.1) PORTS(" + echo.port() + ") ACTION(TUNNEL) VIA(GW)\n"
                    + "RULE NAME(REST) DEST(*) ACTION(DENY)\n");
            ObjectName brokerName = new ObjectName("org.ftb:type=Broker,name=\"127.0.0.1:" + broker.port() + "\"");
            try {
                assertThat(JMX.isRegistered(brokerName)).isTrue();
                assertThat(read(brokerName, "Version")).isEqualTo("test");
                assertThat(read(brokerName, "Stopping")).isEqualTo(false);
                assertThat((String[]) read(brokerName, "Listeners")).containsExactly("127.0.0.1:" + broker.port());
                assertThat(read(brokerName, "MaxSessions")).isEqualTo(2000);
                assertThat(count(brokerName, "Accepted")).isZero();
                assertThat(read(gatewayName, "Version")).isEqualTo(Main.version());
                assertThat(read(gatewayName, "Listener")).isEqualTo("127.0.0.1:" + gateway.port());
                assertThat(count(gatewayName, "Accepted")).isZero();

                try (Socket first = echoThrough(broker, 10_000)) {
                    assertThat(count(brokerName, "ActiveSessions")).isEqualTo(1);
                    assertThat(count(gatewayName, "ActiveSessions")).as("the broker's SSH connection").isEqualTo(1);
                    assertThat(count(gatewayName, "Tunnels")).isEqualTo(1);
                    await().untilAsserted(() -> assertThat(count(brokerName, "BytesUp")).isEqualTo(10_000));
                    await().untilAsserted(() -> assertThat(count(brokerName, "BytesDown")).isEqualTo(10_000));
                }
                await().untilAsserted(() -> assertThat(count(brokerName, "ActiveSessions")).isZero());
                denied(broker);
                await().untilAsserted(() -> assertThat(count(brokerName, "ActiveSessions")).isZero());
                assertThat(count(brokerName, "Accepted")).isEqualTo(2);
                assertThat(count(brokerName, "Relayed")).isEqualTo(1);
                assertThat(count(brokerName, "Denied")).isEqualTo(1);
                assertThat(count(brokerName, "PeakSessions")).isEqualTo(1);
                assertThat(count(brokerName, "Failed") + count(brokerName, "Refused") + count(brokerName, "Busy")).isZero();
                assertThat(count(gatewayName, "Accepted")).isEqualTo(1);
                assertThat(count(gatewayName, "Denied") + count(gatewayName, "PasswordsRefused")).isZero();

                // A graceful stop keeps the MBean, saying so, until the last session has ended.
                try (Socket last = echoThrough(broker, 100)) {
                    assertThat(broker.broker().stop("the test")).isTrue();
                    assertThat(read(brokerName, "Stopping")).isEqualTo(true);
                    assertThat(count(brokerName, "ActiveSessions")).isEqualTo(1);
                }
                await().until(() -> !JMX.isRegistered(brokerName));
                assertThat(broker.broker().awaitStopped(java.time.Duration.ofSeconds(10))).isTrue();
            } finally {
                broker.close();
            }
            assertThat(JMX.isRegistered(gatewayName)).isTrue();
        } finally {
            gateway.close();
        }
        assertThat(JMX.isRegistered(gatewayName)).isFalse();
        assertThat(log.withId("FTB0022W")).isEmpty();
    }

    @Test
    void theMBeansHaveReadOnlyAttributesOnlyEachDocumented() throws Exception {
        Gateway gateway = gateway(TestSshServer.writeRsaKey(dir.resolve("id_rsa")));
        String operations = Files.readString(Path.of("docs/operations.md"));
        try (TestBroker broker = TestBroker.start("RULE NAME(REST) DEST(*) ACTION(DENY)\n")) {
            ObjectName brokerName = Statistics.name("Broker", "127.0.0.1:" + broker.port());
            ObjectName gatewayName = Statistics.name("Gateway", "127.0.0.1:" + gateway.port());
            assertThat(JMX.queryNames(new ObjectName("org.ftb:*"), null)).contains(brokerName, gatewayName);
            for (var expected : List.of(java.util.Map.entry(brokerName, BROKER_ATTRIBUTES), java.util.Map.entry(gatewayName, GATEWAY_ATTRIBUTES))) {
                MBeanInfo info = JMX.getMBeanInfo(expected.getKey());
                assertThat(info.getOperations()).as("operator actions go through a console").isEmpty();
                assertThat(info.getAttributes()).allMatch(a -> a.isReadable() && !a.isWritable());
                assertThat(Arrays.stream(info.getAttributes()).map(MBeanAttributeInfo::getName))
                        .containsExactlyInAnyOrderElementsOf(expected.getValue());
                String type = expected.getKey().getKeyProperty("type");
                assertThat(operations).contains("`org.ftb:type=" + type);
                String section = operations.substring(operations.indexOf("`org.ftb:type=" + type));
                for (String attribute : expected.getValue()) {
                    assertThat(section).as("docs/operations.md names %s's attribute %s", type, attribute).contains("`" + attribute + "`");
                }
            }
        } finally {
            gateway.close();
        }
    }

    @Test
    void twoBrokersInOneJvmEachHaveTheirOwnMBean() throws Exception {
        try (TestBroker one = TestBroker.start("RULE NAME(REST) DEST(*) ACTION(DENY)\n")) {
            ObjectName oneName = Statistics.name("Broker", "127.0.0.1:" + one.port());
            try (TestBroker two = TestBroker.start("RULE NAME(REST) DEST(*) ACTION(DENY)\n")) {
                ObjectName twoName = Statistics.name("Broker", "127.0.0.1:" + two.port());
                assertThat(oneName).isNotEqualTo(twoName);
                denied(two);
                denied(two);
                denied(one);
                await().untilAsserted(() -> assertThat(count(twoName, "Denied")).isEqualTo(2));
                assertThat(count(oneName, "Denied")).isEqualTo(1);
            }
            assertThat(JMX.isRegistered(oneName)).as("the other broker's stop leaves this one's MBean").isTrue();
            denied(one);
            await().untilAsserted(() -> assertThat(count(oneName, "Denied")).isEqualTo(2));
        }
        assertThat(log.withId("FTB0022W")).isEmpty();
    }

    /** Something that holds a broker's name before the broker starts. */
    public interface HolderMXBean {
        String getOwner();
    }

    @Test
    void aNameAlreadyTakenIsWarnedOfAndTheBrokerServesWithoutTouchingTheOtherMBean() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        ObjectName name = Statistics.name("Broker", "127.0.0.1:" + port);
        HolderMXBean holder = () -> "another";
        JMX.registerMBean(new StandardMBean(holder, HolderMXBean.class, true), name);
        try {
            Broker broker = Broker.start(ConfigFixtures.config("SOCKS LISTEN(127.0.0.1:" + port + ")\nRULE NAME(REST) DEST(*) ACTION(DENY)\n"),
                    Resolver.system(), "test");
            try (Socket client = SocksClient.open(port)) {
                assertThat(SocksClient.v5(client, Bytes.v5Ipv4(1, new int[]{127, 0, 0, 2}, 21))).startsWith(5, 2);
            } finally {
                broker.close();
            }
            assertThat(log.withId("FTB0022W")).singleElement().asString()
                    .contains("JMX MBean org.ftb:type=Broker,name=\"127.0.0.1:" + port + "\" is not registered (another MBean has that name)");
            assertThat(read(name, "Owner")).as("the broker's stop leaves the other MBean").isEqualTo("another");
        } finally {
            JMX.unregisterMBean(name);
        }
    }
}

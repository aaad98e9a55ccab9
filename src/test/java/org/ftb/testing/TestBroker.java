package org.ftb.testing;

import org.ftb.address.HostPort;
import org.ftb.app.Broker;
import org.ftb.config.BrokerConfig;
import org.ftb.config.ConfigFixtures;
import org.ftb.config.SocksSettings;
import org.ftb.net.Resolver;

import java.net.InetSocketAddress;
import java.util.List;

/** A real broker on an ephemeral loopback port, configured from PARMLIB text. */
public final class TestBroker implements AutoCloseable {
    private final Broker broker;

    private TestBroker(Broker broker) {
        this.broker = broker;
    }

    public static TestBroker start(String configText) throws Exception {
        return start(configText, Resolver.system());
    }

    public static TestBroker start(String configText, Resolver resolver) throws Exception {
        BrokerConfig config = ConfigFixtures.config(configText);
        SocksSettings socks = config.socks();
        SocksSettings ephemeral = new SocksSettings(List.of(new HostPort("127.0.0.1", 0)), socks.versions(), socks.auth(),
                socks.usersFile(), socks.users());
        BrokerConfig testConfig = new BrokerConfig(config.source(), config.broker(), ephemeral, config.rules(), config.sshHosts(),
                config.data(), config.gateway(), config.log(), config.control());
        return new TestBroker(Broker.start(testConfig, resolver, "test"));
    }

    public int port() {
        InetSocketAddress address = broker.listenAddresses().get(0);
        return address.getPort();
    }

    public Broker broker() {
        return broker;
    }

    @Override
    public void close() throws InterruptedException {
        broker.close();
    }
}

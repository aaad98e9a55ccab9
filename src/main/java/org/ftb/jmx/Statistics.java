package org.ftb.jmx;

import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.status.BrokerStatus;
import org.ftb.status.GatewayStatus;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanRegistrationException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A running service's figures as a read-only MXBean on the JVM's platform MBean server, so that the Java
 * monitoring a site already has (jconsole, VisualVM, an agent that reads JMX) sees them:
 * {@code org.ftb:type=Broker,name="ADDRESS:PORT"} and {@code org.ftb:type=Gateway,name="ADDRESS:PORT"}.
 * <p>
 * {@code name} is the service's first listener as bound (the real port when LISTEN asked for port 0),
 * quoted as {@link ObjectName#quote} does: a listener address belongs to one service at a time, so
 * services in one JVM (tests, {@code ftb demo}) never collide, and the name stays the same across
 * restarts of a configuration with fixed ports, so monitoring need not be told again.
 * <p>
 * Attributes only, no operations: an operator's action goes through a console, which logs who gave it.
 * Each attribute read takes a fresh status snapshot (what DISPLAY shows), so attributes read one after
 * the other may come from moments apart. Nothing here opens a remote connector: the platform MBean
 * server is reachable from outside the JVM only through the JDK's own {@code com.sun.management.jmxremote}
 * options, when the user gives them.
 */
public final class Statistics implements AutoCloseable {
    /** The ObjectName domain of every ftb MBean. */
    public static final String DOMAIN = "org.ftb";

    /** {@code org.ftb:type=Broker}. Counts are since the broker started; sizes in bytes, times in seconds. */
    public interface BrokerMXBean {
        /** The version as DISPLAY shows it. */
        String getVersion();

        /** True from the first STOP until the MBean is unregistered at the end of the stop. */
        boolean isStopping();

        long getUptimeSeconds();

        /** Every listener as bound, {@code ADDRESS:PORT} ({@code [IPv6]:PORT}). */
        List<String> getListeners();

        /** Connections open now, logging in or relaying (DISPLAY's SESSIONS). */
        int getActiveSessions();

        /** BROKER MAXSESSIONS. */
        int getMaxSessions();

        /** The most connections open at once. */
        long getPeakSessions();

        /** Open connections that have not logged in yet, which BROKER MAXPRELOGIN bounds. */
        int getLoggingIn();

        /** Broken uploads whose data channel is held until their FTP server ends the transfer. */
        int getHeldUploads();

        long getAccepted();

        long getRelayed();

        long getDenied();

        long getRefused();

        long getFailed();

        long getBusy();

        /** Bytes relayed from clients to servers. */
        long getBytesUp();

        /** Bytes relayed from servers to clients. */
        long getBytesDown();

        /** True after DRAIN, until RESUME: new sessions are refused. */
        boolean isDraining();

        /** 1 for the configuration of the start, one more for each RELOAD put in place. */
        int getGeneration();

        /** SSH connections open or being opened. */
        int getSshConnections();

        /** FTP sessions that went to their server in plaintext under FALLBACK(PLAIN). */
        long getFallbacks();

        /** FTP transfers ended, one transfer audit record each. */
        long getTransfers();
    }

    /**
     * {@code org.ftb:type=Gateway}. Counts are since the gateway started, times in seconds. It has no
     * Stopping attribute: the gateway stops at once, and its MBean goes with it.
     */
    public interface GatewayMXBean {
        /** The version of the ftb jar, as {@code ftb --version} gives it. */
        String getVersion();

        long getUptimeSeconds();

        /** The listener as bound, {@code ADDRESS:PORT}. */
        String getListener();

        /** SSH connections open now. */
        int getActiveSessions();

        /** The most SSH connections open at once. */
        int getPeakSessions();

        /** SSH connections accepted. */
        long getAccepted();

        /** Tunnels (direct-tcpip channels) opened. */
        long getTunnels();

        /** Tunnels refused because PERMIT, or the login's key, does not allow their destination. */
        long getDenied();

        /** Password logins refused. */
        long getPasswordsRefused();

        /** True after DRAIN, until RESUME: new SSH connections are refused. */
        boolean isDraining();
    }

    private final MBeanServer server;
    /** Empty when the registration failed: there is nothing to unregister. */
    private final Optional<ObjectName> name;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Statistics(MBeanServer server, Optional<ObjectName> name) {
        this.server = server;
        this.name = name;
    }

    /**
     * Registers the broker's MXBean. A failure (the name already taken, a security manager that refuses)
     * is FTB0022W and leaves the broker running unpublished.
     *
     * @param status what DISPLAY shows, read at each attribute read; it must name at least one listener
     */
    public static Statistics publishBroker(Supplier<BrokerStatus> status, MessageLog messages) {
        return publish("Broker", status.get().listeners().get(0), new BrokerView(status), BrokerMXBean.class, messages);
    }

    /** Registers the gateway's MXBean; failures as {@link #publishBroker}. */
    public static Statistics publishGateway(Supplier<GatewayStatus> status, MessageLog messages) {
        return publish("Gateway", status.get().listener(), new GatewayView(status), GatewayMXBean.class, messages);
    }

    /** The name a service of {@code type} (Broker, Gateway) with first listener {@code listener} is published under. */
    public static ObjectName name(String type, String listener) {
        try {
            return new ObjectName(DOMAIN + ":type=" + type + ",name=" + ObjectName.quote(listener));
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException("no ObjectName for " + type + " " + listener, e);
        }
    }

    /** The version of the ftb jar from its manifest, or {@code development} when run from classes. */
    public static String jarVersion() {
        return Optional.ofNullable(Statistics.class.getPackage().getImplementationVersion()).orElse("development");
    }

    private static <T> Statistics publish(String type, String listener, T view, Class<T> mxbean, MessageLog messages) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = name(type, listener);
        try {
            server.registerMBean(new StandardMBean(view, mxbean, true), name);
            return new Statistics(server, Optional.of(name));
        } catch (JMException | SecurityException e) {
            messages.log(Msg.FTB0022W, name, e instanceof InstanceAlreadyExistsException ? "another MBean has that name" : e.toString());
            return new Statistics(server, Optional.empty());
        }
    }

    /** The ObjectName registered, or empty when the registration failed. */
    public Optional<ObjectName> objectName() {
        return name;
    }

    /** Unregisters the MBean; again, or after a failed registration, it does nothing. */
    @Override
    public void close() {
        if (name.isEmpty() || !closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.unregisterMBean(name.get());
        } catch (InstanceNotFoundException e) {
            // Someone unregistered it for us (a monitoring tool may): it is gone either way.
        } catch (MBeanRegistrationException e) {
            // A StandardMBean has no preDeregister that could throw.
            throw new IllegalStateException(e);
        }
    }

    private record BrokerView(Supplier<BrokerStatus> status) implements BrokerMXBean {
        @Override
        public String getVersion() {
            return status.get().version();
        }

        @Override
        public boolean isStopping() {
            return status.get().stopping();
        }

        @Override
        public long getUptimeSeconds() {
            return status.get().uptime().toSeconds();
        }

        @Override
        public List<String> getListeners() {
            return status.get().listeners();
        }

        @Override
        public int getActiveSessions() {
            return status.get().activeSessions();
        }

        @Override
        public int getMaxSessions() {
            return status.get().maxSessions();
        }

        @Override
        public long getPeakSessions() {
            return status.get().totals().peak();
        }

        @Override
        public int getLoggingIn() {
            return status.get().loggingIn();
        }

        @Override
        public int getHeldUploads() {
            return status.get().heldUploads();
        }

        @Override
        public long getAccepted() {
            return status.get().totals().accepted();
        }

        @Override
        public long getRelayed() {
            return status.get().totals().relayed();
        }

        @Override
        public long getDenied() {
            return status.get().totals().denied();
        }

        @Override
        public long getRefused() {
            return status.get().totals().refused();
        }

        @Override
        public long getFailed() {
            return status.get().totals().failed();
        }

        @Override
        public long getBusy() {
            return status.get().totals().busy();
        }

        @Override
        public long getBytesUp() {
            return status.get().totals().bytesUp();
        }

        @Override
        public long getBytesDown() {
            return status.get().totals().bytesDown();
        }

        @Override
        public boolean isDraining() {
            return status.get().draining();
        }

        @Override
        public int getGeneration() {
            return status.get().generation();
        }

        @Override
        public int getSshConnections() {
            return status.get().sshConnections();
        }

        @Override
        public long getFallbacks() {
            return status.get().totals().fallbacks();
        }

        @Override
        public long getTransfers() {
            return status.get().totals().transfers();
        }
    }

    private record GatewayView(Supplier<GatewayStatus> status) implements GatewayMXBean {
        @Override
        public String getVersion() {
            return status.get().version();
        }

        @Override
        public long getUptimeSeconds() {
            return status.get().uptime().toSeconds();
        }

        @Override
        public String getListener() {
            return status.get().listener();
        }

        @Override
        public int getActiveSessions() {
            return status.get().activeSessions();
        }

        @Override
        public int getPeakSessions() {
            return status.get().peakSessions();
        }

        @Override
        public long getAccepted() {
            return status.get().accepted();
        }

        @Override
        public long getTunnels() {
            return status.get().tunnels();
        }

        @Override
        public long getDenied() {
            return status.get().denied();
        }

        @Override
        public long getPasswordsRefused() {
            return status.get().passwordRefused();
        }

        @Override
        public boolean isDraining() {
            return status.get().draining();
        }
    }
}

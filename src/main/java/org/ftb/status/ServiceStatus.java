package org.ftb.status;

import java.time.Duration;

/** What DISPLAY shows of any service: the broker or the SSH gateway, each with only the figures it really has. */
public sealed interface ServiceStatus permits BrokerStatus, GatewayStatus {
    String version();

    boolean stopping();

    Duration uptime();

    /** True after DRAIN, until RESUME: new sessions are refused. */
    boolean draining();

    /** The connections now: the broker's SOCKS connections, or the gateway's SSH connections. */
    java.util.List<SessionView> sessions();
}

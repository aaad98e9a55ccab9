package org.ftb.console;

import org.ftb.status.ServiceStatus;

/** The narrow view of a running broker (or gateway) that operator commands act on. */
public interface BrokerControl {
    ServiceStatus status();

    /**
     * Asks for a graceful stop: no new connections, active ones drain. A second request ends all
     * sessions at once.
     *
     * @return true when this was the first request
     */
    boolean stop(String origin);
}

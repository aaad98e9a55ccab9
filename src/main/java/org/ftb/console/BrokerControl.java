package org.ftb.console;

import org.ftb.status.BrokerStatus;

/** The narrow view of a running broker that operator commands act on. */
public interface BrokerControl {
    BrokerStatus status();

    /**
     * Asks for a graceful stop: no new connections, active ones drain. A second request ends all
     * sessions at once.
     *
     * @return true when this was the first request
     */
    boolean stop(String origin);
}

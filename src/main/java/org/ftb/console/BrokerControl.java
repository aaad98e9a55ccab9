package org.ftb.console;

import org.ftb.status.ServiceStatus;

import java.util.List;

/**
 * The narrow view of a running service (the broker or the gateway) that operator commands act on.
 * Methods that answer with lines return catalogued messages, each at most a console line long after
 * {@link ConsoleText#fit}.
 */
public interface BrokerControl {
    ServiceStatus status();

    /**
     * The letter of this service's session numbers as DISPLAY SESSIONS shows them: C for the broker's
     * connections, S for the gateway's SSH connections.
     */
    default char sessionLetter() {
        return 'C';
    }

    /**
     * Asks for a graceful stop: no new connections, active ones drain within STOPTIMEOUT. A second
     * request ends all sessions at once.
     *
     * @return true when this was the first request
     */
    boolean stop(String origin);

    /** STOP FORCE: ends every session at once and stops. */
    void stopNow(String origin);

    /**
     * DRAIN ({@code on}) or RESUME: while draining, new sessions are refused and active ones go on.
     *
     * @return the response lines
     */
    List<String> drain(boolean on, String origin);

    /**
     * CANCEL: ends one session at once; its client sees a reset, never a clean end.
     *
     * @return the response lines; an error message when there is no such session
     */
    List<String> cancel(long sessionId, String origin);

    /**
     * RELOAD: reads the configuration source again and puts what it may change in place; on any
     * error nothing changes.
     *
     * @return the response lines: what changed, or every error with its line and column
     */
    List<String> reload(String origin);
}

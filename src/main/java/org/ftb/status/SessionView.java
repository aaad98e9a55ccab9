package org.ftb.status;

import java.time.Duration;

/**
 * A snapshot of one connection, for DISPLAY and audit records.
 *
 * @param destination host:port as the client asked for it, or "-" before the request
 * @param address     the address connected to (or to be), or "-"
 * @param via         the SSH host that carries a tunnel, or "-"
 * @param result      how the connection ended, or empty while it is active
 * @param details     further key=value fields (FTP and SSH users, transfers, the last leg), or empty
 * @param controlId   for an FTP data connection, the id of its session's control connection; 0 for any other
 * @param activity    for an FTP session, the transfer under way as its command went ("RETR PAY.JAN"), or empty
 */
public record SessionView(long id, String client, String protocol, String user, String destination, String address,
                          String rule, String action, String via, String phase, String result, long bytesUp, long bytesDown,
                          Duration age, Duration idle, String details, long controlId,
                          String activity) {

    /** The connection's log identity: {@code C17} for the broker's, {@code S3} for the gateway's SSH connections. */
    public String tag() {
        return ("SSH".equals(protocol) ? "S" : "C") + id;
    }
}

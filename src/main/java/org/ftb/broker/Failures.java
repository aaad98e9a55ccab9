package org.ftb.broker;

import org.ftb.message.Msg;
import org.ftb.relay.Relay;
import org.ftb.socks.ReplyCode;
import org.ftb.ssh.TunnelFailure;
import org.ftb.ssh.TunnelStream;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletionException;

/**
 * The one table from failures to what each party is told: the SOCKS reply, the message ID for the
 * operator, and the audit record's result.
 */
final class Failures {
    /** A failure as the broker reports it. */
    record Verdict(ReplyCode socksReply, Msg message, String result, String reason) {
    }

    private Failures() {
    }

    /** A tunnel that could not be opened (RFC 4254 5.1 reason codes are classified in {@link TunnelFailure}). */
    static Verdict tunnel(Throwable error) {
        TunnelFailure failure = tunnelFailure(error);
        return switch (failure.kind()) {
            case SSH_UNREACHABLE -> new Verdict(ReplyCode.NETWORK_UNREACHABLE, Msg.FTB0221E, "SSH_UNREACHABLE", failure.getMessage());
            case HOST_KEY_REFUSED -> new Verdict(ReplyCode.GENERAL_FAILURE, Msg.FTB0222E, "HOST_KEY_REFUSED", failure.getMessage());
            case LOGIN_REFUSED -> new Verdict(ReplyCode.GENERAL_FAILURE, Msg.FTB0223E, "LOGIN_REFUSED", failure.getMessage());
            case KEY_UNUSABLE -> new Verdict(ReplyCode.GENERAL_FAILURE, Msg.FTB0224E, "KEY_UNUSABLE", failure.getMessage());
            case CHANNEL_PROHIBITED -> new Verdict(ReplyCode.NOT_ALLOWED_BY_RULESET, Msg.FTB0225E, "TUNNEL_REFUSED", failure.getMessage());
            case DESTINATION_REFUSED -> new Verdict(ReplyCode.CONNECTION_REFUSED, Msg.FTB0226W, "CONNECT_FAILED", failure.getMessage());
            case DESTINATION_UNREACHABLE -> new Verdict(ReplyCode.HOST_UNREACHABLE, Msg.FTB0226W, "CONNECT_FAILED", failure.getMessage());
            case OTHER -> new Verdict(ReplyCode.GENERAL_FAILURE, Msg.FTB0227E, "TUNNEL_FAILED", failure.getMessage());
        };
    }

    /**
     * What an FTP client is told of a tunnel that could not be opened: the kind of failure only. The
     * message, for the operator, names the SSH user, the known_hosts or key file, which are not the
     * client's to know.
     */
    static String forClient(TunnelFailure failure) {
        return switch (failure.kind()) {
            case SSH_UNREACHABLE -> "SSH host unreachable";
            case HOST_KEY_REFUSED -> "host key not trusted";
            case LOGIN_REFUSED -> "SSH login refused";
            case KEY_UNUSABLE -> "SSH key unusable";
            case CHANNEL_PROHIBITED -> "the SSH host does not allow a tunnel there";
            case DESTINATION_REFUSED -> "the SSH host's connection to the server was refused";
            case DESTINATION_UNREACHABLE -> "the server is unreachable from the SSH host";
            case OTHER -> "see the broker's log";
        };
    }

    static TunnelFailure tunnelFailure(Throwable error) {
        Throwable cause = unwrap(error);
        return cause instanceof TunnelFailure f ? f : new TunnelFailure(TunnelFailure.Kind.OTHER, String.valueOf(cause.getMessage()), cause);
    }

    /** A direct connection that could not be made. */
    static Verdict connect(Throwable error, long timeoutSeconds) {
        Throwable cause = unwrap(error);
        if (cause instanceof SocketTimeoutException) {
            return new Verdict(ReplyCode.TTL_EXPIRED, Msg.FTB0206W, "CONNECT_FAILED", "no answer within CONNECTTIMEOUT(" + timeoutSeconds + ")");
        }
        if (cause instanceof ConnectException) {
            return new Verdict(ReplyCode.CONNECTION_REFUSED, Msg.FTB0206W, "CONNECT_FAILED", "connection refused");
        }
        if (cause instanceof NoRouteToHostException) {
            return new Verdict(ReplyCode.HOST_UNREACHABLE, Msg.FTB0206W, "CONNECT_FAILED", "no route to host");
        }
        if (cause instanceof SocketException && String.valueOf(cause.getMessage()).contains("unreachable")) {
            return new Verdict(ReplyCode.NETWORK_UNREACHABLE, Msg.FTB0206W, "CONNECT_FAILED", "network unreachable");
        }
        return new Verdict(ReplyCode.GENERAL_FAILURE, Msg.FTB0206W, "CONNECT_FAILED", String.valueOf(cause.getMessage()));
    }

    /** An FTP data connection whose way through its session could not be opened. */
    static Verdict data(Throwable error) {
        return new Verdict(ReplyCode.GENERAL_FAILURE, Msg.FTB0227E, "TUNNEL_FAILED", String.valueOf(unwrap(error).getMessage()));
    }

    /**
     * A relay that broke: the client reset, the server reset, or the SSH connection under a tunnel was
     * lost (which the client must never take for a finished transfer).
     */
    static String broken(Relay.Side side, Throwable cause) {
        if (unwrap(cause) instanceof TunnelStream.TunnelLost) {
            return "SSH_LOST";
        }
        return side == Relay.Side.CLIENT ? "CLIENT_RESET" : "SERVER_RESET";
    }

    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}

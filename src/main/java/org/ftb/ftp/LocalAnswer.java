package org.ftb.ftp;

import org.ftb.message.Msg;

import java.util.List;
import java.util.Optional;

/**
 * The commands the broker answers itself instead of relaying, and what it says: active mode needs
 * SOCKS BIND, which the FTP clients' SOCKS support lacks (RFC 1928 CONNECT only); TLS on the control
 * connection (RFC 4217) would hide the lines the broker must read; an over-long line, or one with a CR
 * or NUL before its end, is not sent on.
 *
 * @param reply the reply to the client
 * @param log   the operator message and its arguments after the session's tag, or empty
 */
record LocalAnswer(FtpReply reply, Optional<Effect.Log> log) {

    /** The broker's answer to {@code c}, or empty when the command goes to the server. */
    static Optional<LocalAnswer> to(FtpCommand c) {
        if (c == FtpCommand.TOO_LONG) {
            return Optional.of(new LocalAnswer(FtpReply.of(500, "Command line longer than " + FtpCommandReader.MAX_LINE
                    + " bytes; not sent to the server"), log(Msg.FTB0240W, FtpCommandReader.MAX_LINE)));
        }
        if (c == FtpCommand.CR_OR_NUL) {
            return Optional.of(new LocalAnswer(FtpReply.of(500, "Command line holds a CR or NUL before its end; not sent to the server"),
                    log(Msg.FTB0250W)));
        }
        return switch (c.verb()) {
            case "AUTH", "PBSZ", "PROT", "CCC" -> Optional.of(new LocalAnswer(FtpReply.of(534,
                    "AUTH TLS/SSL is refused here: the FTP Tunnel Broker must read the control connection, "
                            + "and the SSH tunnel already encrypts the session"),
                    c.verb().equals("AUTH") ? log(Msg.FTB0236I, "AUTH " + c.argument(),
                            "the broker must read the control connection; the SSH tunnel already encrypts it") : Optional.empty()));
            case "PORT", "EPRT", "LPRT" -> Optional.of(new LocalAnswer(FtpReply.of(502, "Active mode (" + c.verb()
                    + ") is not available through the FTP Tunnel Broker; use passive mode (PASV/EPSV; z/OS FTP: FWFRIENDLY TRUE)"),
                    log(Msg.FTB0236I, c.verb(), "active mode is not available through the broker")));
            default -> Optional.empty();
        };
    }

    private static Optional<Effect.Log> log(Msg msg, Object... args) {
        return Optional.of(new Effect.Log(msg, List.of(args)));
    }
}

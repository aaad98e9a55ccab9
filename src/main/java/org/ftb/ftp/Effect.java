package org.ftb.ftp;

import org.ftb.message.Msg;

import java.util.List;

/** What a {@link ControlSession} asks its driver to do, in order. */
public sealed interface Effect {
    /** Bytes for the client. */
    record ToClient(byte[] bytes) implements Effect {
    }

    /** Bytes for the server. */
    record ToServer(byte[] bytes) implements Effect {
    }

    /** Open the way to the server, logging in to the SSH host as {@code user}; answer with serverOpened or serverFailed. */
    record OpenServer(String user, char[] password) implements Effect {
    }

    /** Close the way to the server (its login failed); the session goes on. */
    record DropServer() implements Effect {
    }

    /** The client ended its side: end the server's side once everything for it is written. */
    record EndServerOutput() implements Effect {
    }

    /** End the session once everything for the client is written. */
    record Close() implements Effect {
    }

    /** The FTP login succeeded end to end. */
    record LoggedIn(String user) implements Effect {
    }

    /** A login attempt starts (PASS taken) or ends without a login (refused): the driver's pre-login accounting. */
    record LoginAttempt(boolean underway) implements Effect {
    }

    /**
     * A transfer command (RETR, STOR, STOU, APPE, LIST, NLST, MLSD) went to the server.
     *
     * @param argument the command's argument exactly as the client sent it, one character a byte
     *                 (ISO-8859-1), empty for none
     * @param upload   true when the data goes to the server (STOR, STOU, APPE)
     * @param port     the data port it uses, counted by its announcement (see {@link DataTransfer#announcements})
     */
    record TransferStarted(String verb, String argument, boolean upload, int port) implements Effect {
    }

    /**
     * The server's final reply to the oldest transfer not yet answered; {@code aborted} when the client
     * sent ABOR while the reply was due.
     */
    record TransferEnded(int code, boolean aborted) implements Effect {
    }

    /** A message for the operator log; the driver puts the session's tag in front of {@code args}. */
    record Log(Msg msg, List<Object> args) implements Effect {
    }
}

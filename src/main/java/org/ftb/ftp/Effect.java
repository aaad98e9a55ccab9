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

    /** A message for the operator log; the driver puts the session's tag in front of {@code args}. */
    record Log(Msg msg, List<Object> args) implements Effect {
    }
}

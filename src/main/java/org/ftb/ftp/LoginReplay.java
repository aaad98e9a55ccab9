package org.ftb.ftp;

import org.ftb.ftp.ReplyScanner.Disposition;

import java.util.Arrays;

/**
 * The FTP login replayed to the server on the client's behalf (AUTH(FTPLOGIN)): the server's greeting,
 * then USER, then PASS (RFC 959 5.4). The client already had the broker's greeting and 331, so the
 * server's greeting and 331 are not passed on; its answer to the login is. The password is wiped as
 * soon as it is sent, or when the replay ends otherwise.
 */
final class LoginReplay {
    private enum Step { GREETING, USER, PASS }

    /** What the session does after a reply of the replay. */
    sealed interface Next {
        /** Send this command to the server and wait for its reply. */
        record Send(FtpCommand command) implements Next {
        }

        /** A preliminary reply ("ready in n minutes"): wait for the real one. */
        record Wait() implements Next {
        }

        /** The replay is over; the reply was passed on to the client. */
        record Done(boolean loggedIn) implements Next {
        }
    }

    private final String user;
    private char[] password;
    private Step step = Step.GREETING;

    LoginReplay(String user, char[] password) {
        this.user = user;
        this.password = password;
    }

    /** Whether the client sees a reply of the replay: only the one that ends it. */
    Disposition disposition(int code) {
        boolean consumed = code / 100 == 1 || step == Step.GREETING && code == 220 || step == Step.USER && code == 331;
        return consumed ? Disposition.DISCARD : Disposition.PASS;
    }

    Next replied(int code) {
        if (code / 100 == 1) {
            return new Next.Wait();
        }
        if (step == Step.GREETING && code == 220) {
            step = Step.USER;
            return new Next.Send(FtpCommand.of("USER", user));
        }
        if (step == Step.USER && code == 331) {
            step = Step.PASS;
            FtpCommand pass = FtpCommand.of("PASS", new String(password));
            wipe();
            return new Next.Send(pass);
        }
        wipe();
        // 230 logged in, 202 no password needed, 332 an account follows (ACCT is relayed).
        return new Next.Done(code == 230 || code == 202 || code == 332);
    }

    void wipe() {
        if (password != null) {
            Arrays.fill(password, '\0');
            password = null;
        }
    }
}

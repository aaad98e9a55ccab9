package org.ftb.ftp;

import org.ftb.message.Msg;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The effects of one event of a {@link ControlSession}, in the order they must happen. Server text
 * passed on line by line during one event is gathered into one write to the client, placed before
 * anything that follows it. Not thread-safe.
 */
final class Effects {
    private List<Effect> out = new ArrayList<>();
    private final ByteArrayOutputStream passing = new ByteArrayOutputStream();

    /** Server bytes passed on as they are. */
    void pass(byte[] bytes, int offset, int length) {
        passing.write(bytes, offset, length);
    }

    void toClient(byte[] bytes) {
        flushPassing();
        out.add(new Effect.ToClient(bytes));
    }

    void reply(int code, String text) {
        toClient(FtpReply.of(code, text).raw());
    }

    void toServer(byte[] bytes) {
        out.add(new Effect.ToServer(bytes));
    }

    void log(Msg msg, Object... args) {
        out.add(new Effect.Log(msg, Arrays.asList(args)));
    }

    void add(Effect effect) {
        out.add(effect);
    }

    void flushPassing() {
        if (passing.size() > 0) {
            out.add(new Effect.ToClient(passing.toByteArray()));
            passing.reset();
        }
    }

    /** The effects so far, passed text included; the collector starts empty again. */
    List<Effect> take() {
        flushPassing();
        List<Effect> done = out;
        out = new ArrayList<>();
        return done;
    }
}

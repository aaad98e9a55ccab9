package org.ftb.socks;


import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Feeds bytes to a handshake the way a session does: into a bounded buffer, in chunks, following
 * every step until the handshake needs more bytes or is over. Records the steps and what is left.
 */
final class HandshakeDriver {
    /** The session's buffer size; the handshake must never need more. */
    static final int BUFFER = 2 * SocksServerHandshake.MAX_MESSAGE;

    final SocksServerHandshake handshake;
    final List<Step> steps = new ArrayList<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    private final Predicate<Step.Authenticate> checker;
    /** Input not fed because the handshake was over: the relay would read it from the socket. */
    private final java.io.ByteArrayOutputStream unread = new java.io.ByteArrayOutputStream();

    HandshakeDriver(SocksServerHandshake handshake, Predicate<Step.Authenticate> checker) {
        this.handshake = handshake;
        this.checker = checker;
    }

    /** Feeds all of {@code input} in chunks chosen by {@code random} (or whole when null). */
    HandshakeDriver feed(byte[] input, Random random) {
        int at = 0;
        while (at < input.length && !handshake.isDone()) {
            int chunk = random == null ? input.length - at : 1 + random.nextInt(Math.min(64, input.length - at));
            chunk = Math.min(chunk, buffer.remaining());
            if (chunk == 0) {
                throw new AssertionError("handshake filled the session buffer without deciding: " + steps);
            }
            buffer.put(input, at, chunk);
            at += chunk;
            run();
        }
        unread.writeBytes(java.util.Arrays.copyOfRange(input, at, input.length));
        return this;
    }

    private void run() {
        while (!handshake.isDone()) {
            buffer.flip();
            Step step;
            try {
                step = handshake.next(buffer);
            } finally {
                buffer.compact();
            }
            while (step instanceof Step.Authenticate auth) {
                steps.add(step);
                step = handshake.authenticated(checker.test(auth));
            }
            steps.add(step);
            if (step instanceof Step.NeedMore) {
                if (buffer.position() >= SocksServerHandshake.MAX_MESSAGE) {
                    throw new AssertionError("NeedMore with " + buffer.position() + " bytes buffered");
                }
                return;
            }
        }
    }

    /** The steps that are not NeedMore, in order. */
    List<Step> decisions() {
        return steps.stream().filter(s -> !(s instanceof Step.NeedMore)).toList();
    }

    Step last() {
        List<Step> d = decisions();
        return d.isEmpty() ? new Step.NeedMore() : d.get(d.size() - 1);
    }

    /** What the relay would forward first: bytes buffered after the request, then those never fed. */
    byte[] leftover() {
        buffer.flip();
        byte[] buffered = new byte[buffer.remaining()];
        buffer.get(buffered);
        buffer.clear().put(buffered);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(buffered);
        out.writeBytes(unread.toByteArray());
        return out.toByteArray();
    }
}

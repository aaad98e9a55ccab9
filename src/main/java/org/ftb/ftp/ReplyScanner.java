package org.ftb.ftp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the server's side of a control connection line by line as the bytes arrive, and tells its
 * listener where each reply starts and ends (RFC 959 4.2: a reply is "ddd text", or "ddd-" lines up
 * to a "ddd " line; any such closing line ends it, as real clients read it). Only the first four bytes
 * of a line are buffered before the listener decides what becomes of the reply: passed on byte for
 * byte, whatever its length or number of lines; dropped; or held whole, within bounds, to be rewritten.
 */
final class ReplyScanner {
    /** Longest reply line held for rewriting; other lines pass through whatever their length. */
    static final int MAX_HELD_LINE = 8 * 1024;
    /** Most lines of one held reply. */
    static final int MAX_HELD_LINES = 64;

    /** What becomes of a reply's lines. */
    enum Disposition { PASS, DISCARD, HOLD }

    /** Decides about replies and receives what passes. */
    interface Listener {
        /** A reply with this code starts. */
        Disposition replyStarts(int code);

        /** A line that is not part of a reply and does not start one. */
        Disposition strayLine();

        /** Bytes to pass on, as they arrive. */
        void pass(byte[] bytes, int offset, int length);

        /**
         * A reply ended. For a held reply, {@code held} has its lines (code included) and
         * {@code problem} says why it could not all be held, or is null.
         */
        void replyEnded(int code, Disposition disposition, List<String> held, String problem);
    }

    private final Listener listener;
    private final byte[] head = new byte[4];
    private int headLength;
    private boolean inHead = true;
    private boolean lineEndsReply;
    private int replyCode = -1;
    private Disposition disposition = Disposition.PASS;
    private final ByteArrayOutputStream heldLine = new ByteArrayOutputStream();
    private final List<String> heldLines = new ArrayList<>();
    private String holdProblem;

    ReplyScanner(Listener listener) {
        this.listener = listener;
    }

    /** True in the middle of a line or of a multi-line reply: the server stopped short if it ends here. */
    boolean inReply() {
        return replyCode >= 0 || !inHead || headLength > 0;
    }

    void feed(ByteBuffer bytes) {
        ByteBuffer data = bytes.hasArray() ? bytes : ByteBuffer.allocate(bytes.remaining()).put(bytes).flip();
        while (data.hasRemaining()) {
            if (inHead) {
                byte b = data.get();
                head[headLength++] = b;
                if (b == '\n' || headLength == head.length) {
                    inHead = false;
                    beginLine();
                    if (b == '\n') {
                        endLine();
                    }
                }
                continue;
            }
            int start = data.position();
            int end = start;
            while (end < data.limit() && data.get(end) != '\n') {
                end++;
            }
            boolean complete = end < data.limit();
            int stop = complete ? end + 1 : end;
            lineBytes(data.array(), data.arrayOffset() + start, stop - start);
            data.position(stop);
            if (complete) {
                endLine();
            }
        }
    }

    /** The first bytes of a line are in: decide what happens to the line. */
    private void beginLine() {
        boolean isCode = headLength >= 3 && isCode(head);
        boolean closing = headLength < 4 || head[3] != '-';
        if (replyCode < 0) {
            if (isCode) {
                replyCode = code(head);
                disposition = listener.replyStarts(replyCode);
            } else {
                disposition = listener.strayLine();
            }
        }
        lineEndsReply = isCode && closing;
        lineBytes(head, 0, headLength);
        headLength = 0;
    }

    private void lineBytes(byte[] bytes, int offset, int length) {
        switch (disposition) {
            case PASS -> listener.pass(bytes, offset, length);
            case DISCARD -> {
                // replies the client does not see
            }
            case HOLD -> {
                if (holdProblem == null && heldLine.size() + length > MAX_HELD_LINE) {
                    holdProblem = "a line longer than " + MAX_HELD_LINE + " bytes";
                }
                if (holdProblem == null) {
                    heldLine.write(bytes, offset, length);
                }
            }
        }
    }

    private void endLine() {
        inHead = true;
        if (disposition == Disposition.HOLD && holdProblem == null) {
            if (heldLines.size() >= MAX_HELD_LINES) {
                holdProblem = "more than " + MAX_HELD_LINES + " lines";
            } else {
                heldLines.add(heldLine.toString(StandardCharsets.ISO_8859_1).strip());
            }
        }
        heldLine.reset();
        if (lineEndsReply && replyCode >= 0) {
            int code = replyCode;
            Disposition ended = disposition;
            List<String> held = List.copyOf(heldLines);
            String problem = holdProblem;
            replyCode = -1;
            disposition = Disposition.PASS;
            heldLines.clear();
            holdProblem = null;
            listener.replyEnded(code, ended, held, problem);
        }
    }

    private static boolean isCode(byte[] b) {
        return b[0] >= '1' && b[0] <= '5' && b[1] >= '0' && b[1] <= '9' && b[2] >= '0' && b[2] <= '9';
    }

    private static int code(byte[] b) {
        return (b[0] - '0') * 100 + (b[1] - '0') * 10 + (b[2] - '0');
    }
}

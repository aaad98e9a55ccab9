package org.ftb.platform.zos;

import com.ibm.jzos.MvsCommandCallback;
import com.ibm.jzos.MvsConsole;
import com.ibm.jzos.ZUtil;
import org.ftb.message.ConsoleRoute;
import org.ftb.platform.SystemConsole;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The MVS console through JZOS MvsConsole: messages by WTO, commands through an MvsCommandCallback
 * (IBM JZOS guide, "Handling MVS START and MODIFY commands"). JZOS serves one console with
 * {@code __console2()} and carries no CART, so a response cannot go back to the console that asked:
 * responses go by routing code like every other message.
 */
final class ZosConsole implements SystemConsole {
    /** A multi-line WTO holds at most 255 lines (WTO macro, list form); one is left for the "more" line. */
    static final int MAX_LINES = 254;

    @Override
    public OptionalInt write(List<String> lines, ConsoleRoute route) {
        WtoCodes codes = WtoCodes.of(route);
        // JZOS starts a new WTO line at each line separator and splits a long line at word boundaries.
        Object id = JzosCalls.callStatic(MvsConsole.class, "wto", new Class<?>[]{String.class, int.class, int.class},
                String.join("\n", capped(lines)), codes.routing(), codes.descriptor());
        // Only a wto that hands back the system's message ID lets a kept message be deleted (DOM).
        return id instanceof Integer messageId ? OptionalInt.of(messageId) : OptionalInt.empty();
    }

    private static List<String> capped(List<String> lines) {
        if (lines.size() <= MAX_LINES) {
            return lines;
        }
        List<String> kept = new ArrayList<>(lines.subList(0, MAX_LINES - 1));
        kept.add(" ... " + (lines.size() - kept.size()) + " more lines not shown");
        return kept;
    }

    @Override
    public void delete(int messageId) {
        MvsConsole.deleteMessage(messageId);
    }

    @Override
    public AutoCloseable listen(Operator operator) {
        Callback callback = new Callback(operator, ZUtil.getCurrentJobname());
        if (!MvsConsole.isListening()) {
            JzosCalls.callStatic(MvsConsole.class, "startMvsCommandListener", new Class<?>[0]);
        }
        JzosCalls.callStatic(MvsConsole.class, "registerMvsCommandCallback", new Class<?>[]{MvsCommandCallback.class}, callback);
        // The callback stays registered: passing null to deregister is not documented by IBM. After the
        // broker has ended, in the moment before the JVM does, commands are ignored.
        return () -> callback.operator = null;
    }

    /** Runs on JZOS's listener thread; nothing it does may throw back into JZOS. */
    private final class Callback implements MvsCommandCallback {
        private final String jobName;
        private volatile Operator operator;

        Callback(Operator operator, String jobName) {
            this.operator = operator;
            this.jobName = jobName;
        }

        @Override
        public void handleStart(String parameters) {
            Operator o = operator;
            if (o != null) {
                o.started(jobName, parameters == null ? "" : parameters.strip());
            }
        }

        @Override
        public void handleModify(String text) {
            Operator o = operator;
            if (o == null) {
                return;
            }
            List<String> response = o.modify(text == null ? "" : text);
            // Blank text has no response: a WTO without text would carry no message ID.
            if (!response.isEmpty()) {
                write(response, ConsoleRoute.RESPONSE);
            }
        }

        /** Returns false: the broker drains its sessions and ends itself with its own return code. */
        @Override
        public boolean handleStop() {
            Operator o = operator;
            if (o != null) {
                o.stop();
            }
            return false;
        }
    }
}

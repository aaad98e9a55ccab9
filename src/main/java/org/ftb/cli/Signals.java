package org.ftb.cli;

import org.ftb.app.Broker;
import org.ftb.console.BrokerControl;

import java.util.ArrayList;
import java.util.List;

/**
 * SIGTERM and SIGINT (Ctrl-C) as STOP, SIGHUP as RELOAD, handled from before the service starts: a
 * signal that came while it was starting would otherwise end the JVM with 143 or 130 instead of a stop
 * with the service's own RC. A STOP signal before the service is there is kept and given to it when it
 * is; a RELOAD then is dropped, since the configuration is being read anyway.
 *
 * <p>sun.misc.Signal is the only way Java offers to tell the signals apart and to stop without the JVM's
 * shutdown; javac warns of it, and no option silences that. A signal ignored from the start (nohup, a
 * background job) stays ignored.
 */
final class Signals implements AutoCloseable {
    /** Signals that mean STOP; a second one, like a second STOP, ends every session at once. */
    private static final List<String> STOP_SIGNALS = List.of("TERM", "INT");
    /** The signal that means RELOAD, as daemons have it (and systemd's ExecReload sends). */
    private static final String RELOAD_SIGNAL = "HUP";

    private final List<Runnable> restore = new ArrayList<>();
    private BrokerControl control;
    private String stopBeforeStart;

    private Signals() {
    }

    /** Takes the signals from now until {@link #close}. */
    static Signals install() {
        Signals signals = new Signals();
        for (String name : STOP_SIGNALS) {
            signals.handle(name, () -> signals.stop("SIG" + name));
        }
        signals.handle(RELOAD_SIGNAL, signals::reload);
        return signals;
    }

    /** The service has started: signals go to it, a STOP that came meanwhile first. */
    void attach(BrokerControl started) {
        String pending;
        synchronized (this) {
            control = started;
            pending = stopBeforeStart;
        }
        if (pending != null) {
            started.stop(pending);
        }
    }

    private void stop(String origin) {
        BrokerControl target;
        synchronized (this) {
            target = control;
            if (target == null) {
                stopBeforeStart = origin;
                return;
            }
        }
        target.stop(origin);
    }

    private void reload() {
        BrokerControl target;
        synchronized (this) {
            target = control;
        }
        if (target != null) {
            // The reload reads files: never on the JVM's signal thread, which other signals share.
            Thread reload = new Thread(() -> target.reload("SIG" + RELOAD_SIGNAL), Broker.THREAD_PREFIX + "reload");
            reload.setDaemon(true);
            reload.start();
        }
    }

    private void handle(String name, Runnable action) {
        sun.misc.Signal signal = new sun.misc.Signal(name);
        try {
            var previous = sun.misc.Signal.handle(signal, s -> action.run());
            restore.add(() -> sun.misc.Signal.handle(signal, previous));
        } catch (IllegalArgumentException e) {
            // This JVM keeps the signal for itself (for example under -Xrs); for a stop, the shutdown hook stands in.
        }
    }

    /** Puts the previous handlers back: a JVM that goes on (tests, ftb demo) must not send its signals to a stopped service. */
    @Override
    public void close() {
        restore.forEach(Runnable::run);
    }
}

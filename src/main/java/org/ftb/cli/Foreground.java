package org.ftb.cli;

import org.ftb.app.Broker;
import org.ftb.config.Diagnostics;
import org.ftb.console.BrokerControl;
import org.ftb.console.CommandDispatcher;
import org.ftb.console.StreamConsole;
import org.ftb.control.ControlServer;
import org.ftb.logging.LogSetup;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.platform.Platform;
import org.ftb.platform.SystemConsole;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a started service in the foreground: operator commands from standard input, from the system
 * console (on z/OS, MODIFY and STOP) and from {@code ftb ctl} on the control endpoint, SIGTERM and
 * SIGINT (Ctrl-C) as STOP, SIGHUP as RELOAD, and a return only when the stop has completed.
 */
final class Foreground {

    private Foreground() {
    }

    /**
     * @param stopped counted down when the service has stopped
     * @param stopLimit how long a JVM shutdown waits for a graceful stop
     * @param platform whose console code page commands on standard input are read and answered in, as the
     *                 log lines are written, and whose system console (z/OS) also takes commands
     * @param endpoint where {@code ftb ctl} reaches the service
     * @param signals  installed before the service started; from now on they go to it
     * @return RC 0, or 12 when another service answers at {@code endpoint} and this one was stopped
     */
    static int run(BrokerControl control, CountDownLatch stopped, Duration stopLimit, MessageLog messages, Platform platform,
                   Path endpoint, Signals signals) throws InterruptedException {
        signals.attach(control);
        CommandDispatcher dispatcher = CommandDispatcher.standard(control, messages);
        ControlServer ctl = null;
        try {
            ctl = ControlServer.open(endpoint, ControlServer.Transport.AUTO, dispatcher, messages);
        } catch (ControlServer.AlreadyRunning e) {
            messages.log(Msg.FTB0323E, endpoint);
            control.stop("the start: another runs with this configuration");
            stopped.await();
            return Diagnostics.RC_SEVERE;
        } catch (IOException e) {
            // The service is of use without it: the other consoles still take its commands.
            messages.log(Msg.FTB0322E, endpoint, e.getMessage());
        }
        // A handled signal never shuts the JVM down, so the service stops in its own time and the command
        // returns its own code. The hook covers a shutdown that comes another way (System.exit, or a
        // signal this JVM does not let us handle).
        Thread hook = new Thread(() -> {
            control.stop("JVM shutdown");
            try {
                stopped.await(stopLimit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LogSetup.shutdown();
        }, Broker.THREAD_PREFIX + "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        // Answers are encoded here, as the log lines are, not by System.out in file.encoding, which may differ (z/OS).
        PrintStream out = new PrintStream(System.out, true, platform.consoleCharset());
        Thread console = new Thread(new StreamConsole(System.in, platform.consoleCharset(), out, dispatcher, "console"),
                Broker.THREAD_PREFIX + "console");
        console.setDaemon(true);
        console.start();
        AutoCloseable systemConsole = platform.systemConsole().map(c -> c.listen(new Operator(control, dispatcher, messages)))
                .orElse(() -> { });
        try {
            stopped.await();
        } finally {
            try {
                systemConsole.close();
            } catch (Exception e) {
                messages.log(Msg.FTB0010E, "system console", String.valueOf(e));
            }
            if (ctl != null) {
                ctl.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down: the hook has stopped the service and ends the process.
            }
        }
        return Diagnostics.RC_OK;
    }

    /** The system console's commands: MODIFY text to the dispatcher, STOP as the STOP command. */
    private record Operator(BrokerControl control, CommandDispatcher dispatcher, MessageLog messages) implements SystemConsole.Operator {
        @Override
        public void started(String jobName, String parameters) {
            messages.log(Msg.FTB0015I, jobName, jobName, parameters.isEmpty() ? "none" : parameters);
        }

        @Override
        public List<String> modify(String text) {
            return dispatcher.dispatch(text, "MODIFY");
        }

        @Override
        public void stop() {
            control.stop("the MVS STOP command");
        }
    }
}

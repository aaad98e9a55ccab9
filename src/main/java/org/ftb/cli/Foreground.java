package org.ftb.cli;

import org.ftb.app.Broker;
import org.ftb.console.BrokerControl;
import org.ftb.console.CommandDispatcher;
import org.ftb.console.StreamConsole;
import org.ftb.logging.LogSetup;
import org.ftb.message.MessageLog;

import java.nio.charset.Charset;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a started service in the foreground: operator commands from standard input, SIGTERM and
 * Ctrl-C as STOP, and a return only when the stop has completed.
 */
final class Foreground {
    private Foreground() {
    }

    /**
     * @param stopped counted down when the service has stopped
     * @param stopLimit how long SIGTERM waits for a graceful stop
     */
    static void run(BrokerControl control, CountDownLatch stopped, Duration stopLimit, MessageLog messages, Charset consoleCharset)
            throws InterruptedException {
        Thread hook = new Thread(() -> {
            control.stop("SIGTERM");
            try {
                stopped.await(stopLimit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LogSetup.shutdown();
        }, Broker.THREAD_PREFIX + "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Thread console = new Thread(new StreamConsole(System.in, consoleCharset, System.out,
                CommandDispatcher.standard(control, messages), "console"), Broker.THREAD_PREFIX + "console");
        console.setDaemon(true);
        console.start();
        stopped.await();
        Runtime.getRuntime().removeShutdownHook(hook);
    }
}

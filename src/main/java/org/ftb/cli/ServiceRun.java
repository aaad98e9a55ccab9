package org.ftb.cli;

import org.ftb.config.ConfigReader;
import org.ftb.app.Broker;
import org.ftb.config.BrokerConfig;
import org.ftb.config.ConfigLoader;
import org.ftb.config.Diagnostics;
import org.ftb.logging.LogSetup;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.platform.Platform;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.IOException;
import java.lang.management.ManagementFactory;

/**
 * What {@code ftb broker} and {@code ftb gateway} do around their own start, so that both honour the
 * LOG statement alike: log to the console in its own code page, load the configuration, apply LOG,
 * announce the start, report the platform's warnings and the findings (after LOG, so that they reach
 * its file too), and flush the log when the service has ended.
 */
final class ServiceRun {
    private ServiceRun() {
    }

    /** A service started from a valid configuration; returns its return code. */
    interface Body {
        /**
         * @param reader  reads the same configuration source again, for RELOAD
         * @param signals taken since before the start, for {@link Foreground#run} to give to the service
         */
        int run(Platform platform, MessageLog messages, BrokerConfig config, ConfigReader reader, Signals signals)
                throws InterruptedException;
    }

    static int run(ConfigOptions options, CommandLine commandLine, Body body) throws InterruptedException {
        try (Signals signals = Signals.install()) {
            return run(options, commandLine, body, signals);
        }
    }

    private static int run(ConfigOptions options, CommandLine commandLine, Body body, Signals signals) throws InterruptedException {
        Platform platform = options.platform();
        LogSetup.applyConsole(platform);
        MessageLog messages = new MessageLog(LoggerFactory.getLogger(LogSetup.BROKER_LOGGER));
        // Configuration errors at start reach the operator's console too.
        platform.systemConsole().ifPresent(LogSetup::routeToSystemConsole);
        ConfigLoader.Result result = options.load(commandLine);
        if (result.config().isEmpty()) {
            platform.warnings().forEach(messages::log);
            ConfigOptions.report(result, d -> messages.logFormatted(d.msg(), d.text()));
            messages.log(Msg.FTB0007E, result.source(), result.returnCode());
            return result.returnCode();
        }
        BrokerConfig config = result.config().get();
        IOException logFailure = null;
        try {
            LogSetup.apply(config.log(), platform);
        } catch (IOException e) {
            logFailure = e;
        }
        // Applying LOG resets the log, console routing included: it is put back, for a failure's message too.
        platform.systemConsole().ifPresent(LogSetup::routeToSystemConsole);
        if (logFailure != null) {
            messages.log(Msg.FTB0007E, result.source() + " (" + logFailure.getMessage() + ")", Diagnostics.RC_ERROR);
            return Diagnostics.RC_ERROR;
        }
        messages.log(Msg.FTB0001I, Main.version(), platform.name(), System.getProperty("java.version"),
                ManagementFactory.getRuntimeMXBean().getPid());
        platform.warnings().forEach(messages::log);
        ConfigOptions.report(result, d -> messages.logFormatted(d.msg(), d.text()));
        try {
            return body.run(platform, messages, config, () -> options.load(commandLine), signals);
        } finally {
            LogSetup.shutdown();
        }
    }
}

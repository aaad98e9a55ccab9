package org.ftb.cli;

import org.ftb.app.Broker;
import org.ftb.config.BrokerConfig;
import org.ftb.config.ConfigLoader;
import org.ftb.config.Diagnostic;
import org.ftb.config.Diagnostics;
import org.ftb.logging.LogSetup;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.net.Resolver;
import org.ftb.broker.SocksServer;
import org.ftb.platform.Platform;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;

/** {@code ftb broker}: runs the broker in the foreground until STOP, SIGTERM or Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run the broker in the foreground. Operator commands (DISPLAY, STOP, HELP) are read from standard input.")
final class BrokerCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Platform platform = Platform.detect();
        MessageLog messages = new MessageLog(LoggerFactory.getLogger(LogSetup.BROKER_LOGGER));
        ConfigLoader.Result result = options.load(platform, spec.commandLine());
        if (result.config().isEmpty()) {
            ConfigOptions.report(result, d -> log(messages, d));
            messages.log(Msg.FTB0007E, result.source(), result.returnCode());
            return result.returnCode();
        }
        BrokerConfig config = result.config().get();
        try {
            LogSetup.apply(config.log(), platform.nativeCharset());
        } catch (IOException e) {
            messages.log(Msg.FTB0007E, result.source() + " (" + e.getMessage() + ")", Diagnostics.RC_ERROR);
            return Diagnostics.RC_ERROR;
        }
        messages.log(Msg.FTB0001I, Main.version(), platform.name(), System.getProperty("java.version"),
                ManagementFactory.getRuntimeMXBean().getPid());
        ConfigOptions.report(result, d -> log(messages, d));
        Broker broker;
        try {
            broker = Broker.start(config, Resolver.system(), Main.version());
        } catch (SocksServer.ListenException | IOException e) {
            return Diagnostics.RC_SEVERE;
        }
        Foreground.run(broker, broker.stoppedLatch(), config.broker().stopTimeout().plusSeconds(5), messages, platform.nativeCharset());
        LogSetup.shutdown();
        return Diagnostics.RC_OK;
    }

    private static void log(MessageLog messages, Diagnostic diagnostic) {
        messages.logFormatted(diagnostic.msg(), diagnostic.text());
    }
}

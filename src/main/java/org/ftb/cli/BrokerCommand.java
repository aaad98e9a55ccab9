package org.ftb.cli;

import org.ftb.config.ConfigReader;
import org.ftb.app.Broker;
import org.ftb.config.BrokerConfig;
import org.ftb.config.Diagnostics;
import org.ftb.control.ControlPath;
import org.ftb.message.MessageLog;
import org.ftb.net.Resolver;
import org.ftb.broker.SocksServer;
import org.ftb.platform.Platform;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code ftb broker}: runs the broker in the foreground until STOP, SIGTERM, SIGHUP or Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run the broker in the foreground. Operator commands (HELP lists them) are read from standard input "
                + "and taken from 'ftb ctl'.")
final class BrokerCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        return ServiceRun.run(options, spec.commandLine(), BrokerCommand::run);
    }

    private static int run(Platform platform, MessageLog messages, BrokerConfig config, ConfigReader reader, Signals signals)
            throws InterruptedException {
        Broker broker;
        try {
            broker = Broker.start(config, reader, Resolver.system(), Main.version());
        } catch (SocksServer.ListenException | IOException e) {
            return Diagnostics.RC_SEVERE;
        }
        return Foreground.run(broker, broker.stoppedLatch(), config.broker().stopTimeout().plusSeconds(5), messages, platform,
                ControlPath.broker(config.control()), signals);
    }
}

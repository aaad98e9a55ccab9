package org.ftb.cli;

import org.ftb.config.ConfigReader;
import org.ftb.app.Broker;
import org.ftb.config.BrokerConfig;
import org.ftb.config.ConfigLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ftb.config.Diagnostics;
import org.ftb.config.GatewaySettings;
import org.ftb.console.BrokerControl;
import org.ftb.control.ControlPath;
import org.ftb.gateway.Gateway;
import org.ftb.gateway.GatewayControl;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.platform.Platform;
import org.ftb.status.GatewayStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code ftb gateway}: the SSH end of the tunnels, for sites without an SSH server of their own. */
@Command(name = "gateway", mixinStandardHelpOptions = true, subcommands = PasswdCommand.class,
        customSynopsis = {"ftb gateway --config=SOURCE [--symbol=NAME=VALUE]... [--record-format=FORMAT]",
                "       ftb gateway passwd --file=FILE USER"},
        description = "Run the SSH gateway of the GATEWAY statement in the foreground: only direct-tcpip tunnels to PERMIT "
                + "destinations. 'ftb gateway passwd --file FILE USER' manages its USERS file.")
final class GatewayCommand implements Callable<Integer> {
    /**
     * A group rather than a mixin: picocli checks a parent's required options before it runs a
     * subcommand, and {@code ftb gateway passwd} has no configuration to name.
     */
    @CommandLine.ArgGroup(exclusive = false)
    ConfigOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (options == null) {
            throw new CommandLine.MissingParameterException(spec.commandLine(), spec.findOption("--config"),
                    "Missing required option: '--config=SOURCE'");
        }
        return ServiceRun.run(options, spec.commandLine(), GatewayCommand::run);
    }

    private static int run(Platform platform, MessageLog messages, BrokerConfig config, ConfigReader reader, Signals signals)
            throws InterruptedException {
        GatewaySettings settings = config.gateway().orElse(null);
        if (settings == null) {
            messages.log(Msg.FTB0506E, config.source());
            return Diagnostics.RC_ERROR;
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(settings, messages);
        } catch (IOException e) {
            messages.log(Msg.FTB0504E, e.getMessage());
            return Diagnostics.RC_SEVERE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        return Foreground.run(new GatewayControl(gateway, "gateway " + Main.version(), stopped, messages, reader), stopped,
                Duration.ofSeconds(10), messages, platform, ControlPath.gateway(config.control()), signals);
    }
}

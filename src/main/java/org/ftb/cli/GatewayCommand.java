package org.ftb.cli;

import org.ftb.app.Broker;
import org.ftb.config.BrokerConfig;
import org.ftb.config.ConfigLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ftb.config.Diagnostics;
import org.ftb.config.GatewaySettings;
import org.ftb.console.BrokerControl;
import org.ftb.gateway.Gateway;
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

    private static int run(Platform platform, MessageLog messages, BrokerConfig config, Broker.ConfigReader reader)
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
        Foreground.run(new Control(gateway, stopped, messages, reader), stopped, Duration.ofSeconds(10), messages, platform);
        return Diagnostics.RC_OK;
    }

    /** The operator commands that apply to the gateway: it has no rules, SSH pool or trace of its own. */
    private record Control(Gateway gateway, CountDownLatch stopped, MessageLog messages, Broker.ConfigReader reader)
            implements BrokerControl {
        @Override
        public GatewayStatus status() {
            return gateway.status("gateway " + Main.version(), stopped.getCount() == 0);
        }

        /** The gateway stops at once either way: its sessions are SSH connections, which the broker reconnects. */
        @Override
        public synchronized boolean stop(String origin) {
            if (stopped.getCount() == 0) {
                return false;
            }
            try {
                gateway.stop(origin);
            } catch (IOException e) {
                messages.log(Msg.FTB0504E, e.getMessage());
            }
            stopped.countDown();
            return true;
        }

        @Override
        public void stopNow(String origin) {
            stop(origin);
        }

        @Override
        public List<String> drain(boolean on, String origin) {
            if (!gateway.drain(on)) {
                return List.of(Msg.FTB0315I.format(on ? "the gateway is draining already" : "the gateway is not draining"));
            }
            return logged(on ? Msg.FTB0313I : Msg.FTB0314I, origin, gateway.status("", false).activeSessions());
        }

        @Override
        public List<String> cancel(long sessionId, String origin) {
            return gateway.cancel(sessionId) ? logged(Msg.FTB0316I, origin, "S" + sessionId) : List.of(Msg.FTB0317E.format("S" + sessionId));
        }

        @Override
        public synchronized List<String> reload(String origin) {
            ConfigLoader.Result result = reader.read();
            List<String> lines = new ArrayList<>();
            Optional<GatewaySettings> next = result.config().flatMap(BrokerConfig::gateway);
            if (next.isEmpty()) {
                lines.addAll(logged(Msg.FTB0305E, origin, result.source(), Math.max(result.returnCode(), Diagnostics.RC_ERROR)));
                if (result.config().isPresent()) {
                    lines.addAll(logged(Msg.FTB0506E, result.source()));
                }
            } else {
                List<String> atRestart = gateway.reload(next.get());
                lines.addAll(logged(Msg.FTB0517I, origin, result.source(), next.get().permits().size()));
                atRestart.forEach(operand -> lines.addAll(logged(Msg.FTB0309W, operand)));
            }
            result.diagnostics().all().forEach(d -> {
                messages.logFormatted(d.msg(), d.text());
                lines.add(d.text());
            });
            return lines;
        }

        private List<String> logged(Msg msg, Object... args) {
            messages.log(msg, args);
            return List.of(msg.format(args));
        }
    }
}

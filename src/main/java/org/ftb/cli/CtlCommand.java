package org.ftb.cli;

import org.ftb.config.BrokerConfig;
import org.ftb.config.ConfigLoader;
import org.ftb.config.Diagnostics;
import org.ftb.console.CommandDispatcher;
import org.ftb.control.ControlClient;
import org.ftb.control.ControlPath;
import org.ftb.message.Msg;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ftb ctl}: one operator command to a running broker or {@code ftb gateway}, through its local
 * control endpoint, for scripts and for operators away from its console.
 */
@Command(name = "ctl", mixinStandardHelpOptions = true,
        customSynopsis = {"ftb ctl --config=SOURCE [--symbol=NAME=VALUE]... [--record-format=FORMAT] [--gateway] COMMAND...",
                "       ftb ctl --endpoint=PATH COMMAND..."},
        description = "Send an operator command (DISPLAY, STOP, HELP...) to the broker, or with --gateway to the ftb gateway, that "
                + "runs with this configuration, as the same user, and print its response. RC 0 when the response is information "
                + "or a warning, 8 when it is an error, " + CtlCommand.RC_NO_ANSWER + " when no service answers.")
final class CtlCommand implements Callable<Integer> {
    /** No service took the command, or its response did not come whole: distinct from the command's own failure. */
    static final int RC_NO_ANSWER = 16;
    /** How long a response may take: commands answer at once, STOP included (it only begins the stop). */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @CommandLine.ArgGroup(multiplicity = "1")
    Target target;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its operands, as on the console.")
    List<String> words;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Which service: the one run with a configuration, or the one at an endpoint. */
    static final class Target {
        @CommandLine.ArgGroup(exclusive = false)
        ByConfig byConfig;

        @Option(names = "--endpoint", paramLabel = "PATH",
                description = "The endpoint itself, as FTB0320I or FTB0321I gave it at the service's start.")
        Path endpoint;
    }

    /** The endpoint of the service run with a configuration. */
    static final class ByConfig {
        @CommandLine.ArgGroup(exclusive = false, multiplicity = "1")
        ConfigOptions options;

        @Option(names = "--gateway", description = "The ftb gateway run with the configuration rather than the broker "
                + "(the default for a configuration with a GATEWAY statement and no RULE).")
        boolean gateway;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Path endpoint = target.endpoint;
        if (endpoint == null) {
            ConfigLoader.Result result = target.byConfig.options.load(spec.commandLine());
            if (result.config().isEmpty()) {
                ConfigOptions.report(result, d -> err.println(d.text()));
                err.println(Msg.FTB0332E.format(result.source(), result.returnCode()));
                err.flush();
                return result.returnCode();
            }
            BrokerConfig config = result.config().get();
            boolean gateway = target.byConfig.gateway || config.gateway().isPresent() && config.rules().isEmpty();
            endpoint = gateway ? ControlPath.gateway(config.control()) : ControlPath.broker(config.control());
        }
        String text = String.join(" ", words);
        if (text.length() > CommandDispatcher.MAX_TEXT) {
            err.println(Msg.FTB0333E.format(CommandDispatcher.MAX_TEXT));
            err.flush();
            return Diagnostics.RC_ERROR;
        }
        // The endpoint takes one line: a line end in the text would run its first line alone.
        if (!CommandDispatcher.printable(text)) {
            err.println(Msg.FTB0302E.format(CommandDispatcher.NOT_PRINTABLE));
            err.flush();
            return Diagnostics.RC_ERROR;
        }
        List<String> response;
        try {
            response = ControlClient.send(endpoint, text, TIMEOUT);
        } catch (ControlClient.NoService e) {
            err.println(Msg.FTB0330E.format(endpoint, e.getMessage()));
            err.flush();
            return RC_NO_ANSWER;
        } catch (ControlClient.NoResponse e) {
            err.println(Msg.FTB0331E.format(endpoint, TIMEOUT.toSeconds(), e.getMessage()));
            err.flush();
            return RC_NO_ANSWER;
        }
        PrintWriter out = spec.commandLine().getOut();
        response.forEach(out::println);
        out.flush();
        return returnCode(response);
    }

    /** 0 when the response's first message is information or a warning, 8 otherwise, as a console shows it. */
    private static int returnCode(List<String> response) {
        if (response.isEmpty()) {
            return Diagnostics.RC_OK;
        }
        String first = response.get(0);
        return first.matches("FTB\\d{4}[IW]( .*)?") ? Diagnostics.RC_OK : Diagnostics.RC_ERROR;
    }
}

package org.ftb.cli;

import org.ftb.config.ConfigLoader;
import org.ftb.config.ConfigPrinter;
import org.ftb.message.Msg;
import org.ftb.message.Severity;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code ftb check}: validates a configuration and prints every finding and the effective configuration. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate a configuration: print every error and warning with line and column, then the effective "
                + "configuration with all defaults. RC 0 clean, 4 warnings, 8 errors.")
final class CheckCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ConfigLoader.Result result = options.load(spec.commandLine());
        PrintWriter out = spec.commandLine().getOut();
        ConfigOptions.report(result, d -> out.println(d.text()));
        result.config().ifPresent(config -> {
            out.println("/* Effective configuration of " + config.source() + " */");
            ConfigPrinter.print(config).forEach(out::println);
        });
        out.println(Msg.FTB0134I.format(result.source(), result.returnCode(),
                result.diagnostics().count(Severity.E), result.diagnostics().count(Severity.W)));
        out.flush();
        return result.returnCode();
    }
}

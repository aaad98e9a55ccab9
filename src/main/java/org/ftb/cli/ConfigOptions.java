package org.ftb.cli;

import org.ftb.config.ConfigLoader;
import org.ftb.config.ConfigSource;
import org.ftb.config.Diagnostic;
import org.ftb.config.Symbols;
import org.ftb.message.Msg;
import org.ftb.platform.Platform;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The options every command that reads a configuration shares. */
final class ConfigOptions {
    private final Platform platform;

    @Option(names = "--config", required = true, paramLabel = "SOURCE",
            description = "Configuration: a file path, or on z/OS a data set: //DD:NAME, //DD:NAME(MEMBER), //'DSN(MEMBER)'.")
    String config;

    @Option(names = "--symbol", paramLabel = "NAME=VALUE",
            description = "Defines system symbol &NAME. for the configuration (repeatable); overrides the system's own.")
    List<String> symbols = List.of();

    @Option(names = "--record-format", paramLabel = "FORMAT",
            description = "STREAM (ordinary text) or FB80 (fixed 80-byte records: columns 72-80 are ignored, 73-80 being sequence numbers). "
                    + "Without it, a file whose lines are all 80 columns with sequence numbers in 73-80 is FB80, any other STREAM.")
    ConfigSource.RecordFormat recordFormat;

    ConfigOptions(Platform platform) {
        this.platform = platform;
    }

    Platform platform() {
        return platform;
    }

    /** Loads the configuration; a malformed --symbol is a usage error. */
    ConfigLoader.Result load(CommandLine commandLine) {
        Map<String, String> explicit = new LinkedHashMap<>();
        for (String symbol : symbols) {
            int equals = symbol.indexOf('=');
            String name = equals < 0 ? "" : symbol.substring(0, equals);
            if (!Symbols.isValidName(name)) {
                throw new CommandLine.ParameterException(commandLine, Msg.FTB0403E.format(symbol));
            }
            explicit.put(name, symbol.substring(equals + 1));
        }
        return new ConfigLoader(new Symbols(explicit, platform::symbol), platform.nativeCharset()).load(config, recordFormat,
                platform::readDataSet);
    }

    static void report(ConfigLoader.Result result, Consumer<Diagnostic> out) {
        result.diagnostics().all().forEach(out);
    }
}

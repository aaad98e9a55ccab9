package org.ftb.config;

import org.ftb.message.Msg;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads, parses and binds a configuration in one step. */
public final class ConfigLoader {
    private final Symbols symbols;
    private final Charset platformCharset;

    public ConfigLoader(Symbols symbols, Charset platformCharset) {
        this.symbols = symbols;
        this.platformCharset = platformCharset;
    }

    /** The outcome: a configuration only when there were no errors, and every finding either way. */
    public record Result(String source, Optional<BrokerConfig> config, Diagnostics diagnostics) {
        public int returnCode() {
            return diagnostics.returnCode();
        }
    }

    public Result load(Path file, ConfigSource.RecordFormat format) {
        Diagnostics diagnostics = new Diagnostics();
        ConfigSource source;
        try {
            source = ConfigSource.readFile(file, format);
        } catch (IOException e) {
            diagnostics.general(Msg.FTB0128E, file, ConfigBinder.describe(e));
            return new Result(file.toString(), Optional.empty(), diagnostics);
        }
        Path parent = file.toAbsolutePath().getParent();
        return load(source, parent == null ? Path.of("") : parent, diagnostics);
    }

    public Result load(ConfigSource source, Path baseDirectory) {
        return load(source, baseDirectory, new Diagnostics());
    }

    private Result load(ConfigSource source, Path baseDirectory, Diagnostics diagnostics) {
        List<Statement> statements = StatementParser.parse(source, symbols, diagnostics);
        BrokerConfig config = ConfigBinder.bind(source.name(), statements, diagnostics, platformCharset, baseDirectory);
        return new Result(source.name(), diagnostics.hasErrors() ? Optional.empty() : Optional.of(config), diagnostics);
    }
}

package org.ftb.config;

import org.ftb.message.Msg;
import org.ftb.platform.TextFiles;

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

    /**
     * Reads a configuration file: UTF-8, or text in the platform code page, as {@link TextFiles} tells.
     *
     * @param format how the file's lines are laid out, or null to tell from the file: an FB80 member
     *               copied out as it is (see {@link ConfigSource#looksFixed80}) is read as FB80, and
     *               FTB0144I says so
     */
    public Result load(Path file, ConfigSource.RecordFormat format) {
        Diagnostics diagnostics = new Diagnostics();
        ConfigSource source;
        try {
            String text = new TextFiles(platformCharset).read(file).text();
            ConfigSource.RecordFormat layout = format;
            if (layout == null) {
                layout = ConfigSource.looksFixed80(text) ? ConfigSource.RecordFormat.FB80 : ConfigSource.RecordFormat.STREAM;
                if (layout == ConfigSource.RecordFormat.FB80) {
                    diagnostics.general(Msg.FTB0144I, file);
                }
            }
            source = ConfigSource.ofText(file.toString(), text, layout);
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

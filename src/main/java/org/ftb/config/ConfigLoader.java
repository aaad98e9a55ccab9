package org.ftb.config;

import org.ftb.message.Msg;
import org.ftb.platform.DataSet;
import org.ftb.platform.TextFiles;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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

    /** Reads MVS data sets: the platform's. */
    @FunctionalInterface
    public interface DataSetReader {
        DataSet read(String name) throws IOException;
    }

    /**
     * Loads a configuration named as {@code --config} names it: an MVS data set or member when the name
     * starts with {@code //} (see {@link DataSet#isDataSetName}), otherwise a file.
     *
     * @param format how the lines are laid out, or null to tell from the source: a data set of fixed
     *               80-byte records is FB80 (FTB0146I), any other is read as it is, with FTB0145W when
     *               its records seem to carry sequence numbers; a file as {@link #load(Path, ConfigSource.RecordFormat)}
     */
    public Result load(String name, ConfigSource.RecordFormat format, DataSetReader dataSets) {
        if (DataSet.isDataSetName(name)) {
            return loadDataSet(name, format, dataSets);
        }
        Path file;
        try {
            file = Path.of(name);
        } catch (InvalidPathException e) {
            Diagnostics diagnostics = new Diagnostics();
            diagnostics.general(Msg.FTB0128E, name, e.getMessage());
            return new Result(name, Optional.empty(), diagnostics);
        }
        return load(file, format);
    }

    private Result loadDataSet(String name, ConfigSource.RecordFormat format, DataSetReader dataSets) {
        Diagnostics diagnostics = new Diagnostics();
        DataSet dataSet;
        try {
            dataSet = dataSets.read(name);
        } catch (IOException e) {
            diagnostics.general(Msg.FTB0128E, name, ConfigBinder.describe(e));
            return new Result(name, Optional.empty(), diagnostics);
        }
        ConfigSource.RecordFormat layout = format;
        if (layout == null) {
            layout = dataSet.isFixed80() ? ConfigSource.RecordFormat.FB80 : ConfigSource.RecordFormat.STREAM;
            if (layout == ConfigSource.RecordFormat.FB80) {
                diagnostics.general(Msg.FTB0146I, name, dataSet.name());
            } else {
                ConfigSource.sequenceNumbers(dataSet.records(), dataSet.lrecl())
                        .ifPresent(where -> diagnostics.general(Msg.FTB0145W, name, where));
            }
        }
        // Relative file names in a member are taken from the working directory: a data set has no directory.
        // Data set names are upper case, however they were typed: the endpoint's name must not depend on it.
        return load(ConfigSource.ofRecords(name, dataSet.records(), layout), dataSet.name().toUpperCase(Locale.ROOT), Path.of(""),
                diagnostics);
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
        Path absolute = file.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        return load(source, absolute.toString(), parent == null ? Path.of("") : parent, diagnostics);
    }

    /** A configuration given as text, such as {@code ftb demo}'s: its name stands for where it was read from. */
    public Result load(ConfigSource source, Path baseDirectory) {
        return load(source, source.name(), baseDirectory, new Diagnostics());
    }

    private Result load(ConfigSource source, String location, Path baseDirectory, Diagnostics diagnostics) {
        List<Statement> statements = StatementParser.parse(source, symbols, diagnostics);
        BrokerConfig config = ConfigBinder.bind(source.name(), location, statements, diagnostics, platformCharset, baseDirectory);
        return new Result(source.name(), diagnostics.hasErrors() ? Optional.empty() : Optional.of(config), diagnostics);
    }
}

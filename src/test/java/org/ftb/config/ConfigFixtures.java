package org.ftb.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Loads configuration text the way the broker does, for tests. */
public final class ConfigFixtures {
    private ConfigFixtures() {
    }

    public static ConfigLoader.Result load(String text) {
        return load(text, ConfigSource.RecordFormat.STREAM, Map.of(), Path.of("."));
    }

    public static ConfigLoader.Result load(String text, ConfigSource.RecordFormat format, Map<String, String> symbols, Path base) {
        Symbols table = new Symbols(symbols, name -> name.equals("SYSNAME") ? Optional.of("TESTSYS") : Optional.empty());
        return new ConfigLoader(table, StandardCharsets.UTF_8).load(ConfigSource.ofText("test", text, format), base);
    }

    /** A configuration that must load without errors. */
    public static BrokerConfig config(String text) {
        ConfigLoader.Result result = load(text);
        if (result.config().isEmpty()) {
            throw new AssertionError("configuration has errors: " + result.diagnostics().all());
        }
        return result.config().get();
    }

    public static List<String> messages(String text) {
        return load(text).diagnostics().all().stream().map(Diagnostic::text).toList();
    }
}

package org.ftb.config;

import org.ftb.message.Msg;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Typed access to one statement's operands. Unknown and repeated operands are reported when it is
 * made; each accessor reports its own value errors and returns empty, so binding carries on.
 */
final class Operands {
    private final Statement statement;
    private final Diagnostics diagnostics;
    private final Map<String, Statement.Operand> byName = new HashMap<>();

    Operands(Statement statement, List<String> allowed, Diagnostics diagnostics) {
        this.statement = statement;
        this.diagnostics = diagnostics;
        for (Statement.Operand operand : statement.operands()) {
            if (!allowed.contains(operand.name())) {
                diagnostics.at(Msg.FTB0111E, operand.line(), operand.column(), operand.name(), statement.keyword(),
                        String.join(", ", allowed));
            } else if (byName.putIfAbsent(operand.name(), operand) != null) {
                diagnostics.at(Msg.FTB0112E, operand.line(), operand.column(), operand.name(), statement.keyword());
            }
        }
    }

    Statement statement() {
        return statement;
    }

    Optional<Statement.Operand> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    /** Reports a missing operand at the statement keyword. */
    void require(String name, String example) {
        if (!has(name)) {
            diagnostics.at(Msg.FTB0114E, statement.line(), statement.column(), statement.keyword(), name + "(" + example + ")");
        }
    }

    /** The values of a list operand; an empty list is reported. */
    Optional<List<Statement.Value>> list(String name) {
        Statement.Operand operand = byName.get(name);
        if (operand == null) {
            return Optional.empty();
        }
        if (operand.values().isEmpty()) {
            diagnostics.at(Msg.FTB0115E, operand.line(), operand.column(), name + "() needs a value");
            return Optional.empty();
        }
        return Optional.of(operand.values());
    }

    /** The value of an operand that takes exactly one. */
    Optional<Statement.Value> single(String name) {
        return list(name).flatMap(values -> {
            if (values.size() != 1) {
                Statement.Value second = values.get(1);
                diagnostics.at(Msg.FTB0115E, second.line(), second.column(), name + " takes one value, not " + values.size());
                return Optional.empty();
            }
            return Optional.of(values.get(0));
        });
    }

    OptionalInt integer(String name, int min, int max) {
        Optional<Statement.Value> value = single(name);
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        String text = value.get().text();
        if (!text.isEmpty() && text.length() <= 9 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int number = Integer.parseInt(text);
            if (number >= min && number <= max) {
                return OptionalInt.of(number);
            }
        }
        diagnostics.at(Msg.FTB0116E, value.get().line(), value.get().column(), name, text, min, max);
        return OptionalInt.empty();
    }

    /** A size in bytes (see {@link ByteSizes}), from {@code min} to {@code max} bytes. */
    OptionalLong size(String name, long min, long max) {
        Optional<Statement.Value> value = single(name);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        OptionalLong bytes = ByteSizes.parse(value.get().text());
        if (bytes.isPresent() && bytes.getAsLong() >= min && bytes.getAsLong() <= max) {
            return bytes;
        }
        diagnostics.at(Msg.FTB0147E, value.get().line(), value.get().column(), name, value.get().text(), ByteSizes.text(min),
                ByteSizes.text(max));
        return OptionalLong.empty();
    }

    Optional<Duration> seconds(String name, int min, int max) {
        OptionalInt value = integer(name, min, max);
        return value.isPresent() ? Optional.of(Duration.ofSeconds(value.getAsInt())) : Optional.empty();
    }

    <E extends Enum<E>> Optional<E> choice(String name, Class<E> type) {
        return single(name).flatMap(value -> choice(name, value, type));
    }

    /** One value read as a constant of {@code type}, without regard to case. */
    <E extends Enum<E>> Optional<E> choice(String name, Statement.Value value, Class<E> type) {
        String text = value.text().toUpperCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(text)) {
                return Optional.of(constant);
            }
        }
        diagnostics.at(Msg.FTB0117E, value.line(), value.column(), name, value.text(),
                Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", ")));
        return Optional.empty();
    }
}

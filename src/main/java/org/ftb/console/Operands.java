package org.ftb.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A command's operands: bare words (ON, FORCE, SESSIONS) and KEYWORD=value pairs, upper case as the
 * dispatcher gives them. Anything a command does not take is refused, naming what it takes.
 */
final class Operands {
    private final List<String> words;
    private final Map<String, String> keywords;

    private Operands(List<String> words, Map<String, String> keywords) {
        this.words = words;
        this.keywords = keywords;
    }

    /**
     * @param words    the bare words the command takes
     * @param keywords the keywords it takes
     * @throws ConsoleCommand.CommandException for a word or keyword not taken, a keyword given twice or without a value
     */
    static Operands parse(String command, List<String> operands, Set<String> words, Set<String> keywords)
            throws ConsoleCommand.CommandException {
        List<String> bare = new ArrayList<>();
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String operand : operands) {
            int equals = operand.indexOf('=');
            if (equals < 0) {
                if (!words.contains(operand)) {
                    throw refused(command, operand, words, keywords);
                }
                bare.add(operand);
                continue;
            }
            String keyword = operand.substring(0, equals);
            String value = operand.substring(equals + 1);
            if (!keywords.contains(keyword)) {
                throw refused(command, operand, words, keywords);
            }
            if (value.isEmpty()) {
                throw new ConsoleCommand.CommandException(command + " " + keyword + "= needs a value");
            }
            if (pairs.put(keyword, value) != null) {
                throw new ConsoleCommand.CommandException(command + " " + keyword + "= is given twice");
            }
        }
        return new Operands(List.copyOf(bare), pairs);
    }

    private static ConsoleCommand.CommandException refused(String command, String operand, Set<String> words, Set<String> keywords) {
        List<String> taken = new ArrayList<>(words.stream().sorted().toList());
        keywords.stream().sorted().map(k -> k + "=").forEach(taken::add);
        return new ConsoleCommand.CommandException(command + " does not take " + operand
                + (taken.isEmpty() ? "; it takes no operands" : "; it takes " + String.join(" ", taken)));
    }

    List<String> words() {
        return words;
    }

    boolean has(String word) {
        return words.contains(word);
    }

    Optional<String> value(String keyword) {
        return Optional.ofNullable(keywords.get(keyword));
    }

    /**
     * A session number, as DISPLAY SESSIONS shows it ({@code letter} and digits: C17, or S3 for the
     * gateway) or bare (17). The other service's letter is refused: S1 at the broker is no C1.
     */
    OptionalLong session(String keyword, char letter) throws ConsoleCommand.CommandException {
        Optional<String> value = value(keyword);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        String digits = value.get().charAt(0) == letter ? value.get().substring(1) : value.get();
        if (!digits.matches("[0-9]{1,18}")) {
            throw new ConsoleCommand.CommandException(keyword + "=" + value.get() + " is no session number here, such as " + letter + "17");
        }
        return OptionalLong.of(Long.parseLong(digits));
    }
}

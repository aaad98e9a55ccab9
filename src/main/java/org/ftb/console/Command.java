package org.ftb.console;

import java.util.List;

/**
 * A command whose work is one call on the service: its operands are checked, then {@code action} runs.
 *
 * @param words    the bare words it takes
 * @param keywords the KEYWORD= operands it takes
 */
record Command(String name, String abbreviation, String summary, java.util.Set<String> words, java.util.Set<String> keywords,
               Action action) implements ConsoleCommand {

    /** What the command does with its checked operands. */
    @FunctionalInterface
    interface Action {
        List<String> run(Operands operands, String origin) throws CommandException;
    }

    @Override
    public List<String> run(List<String> operands, String origin) throws CommandException {
        return action.run(Operands.parse(name, operands, words, keywords), origin);
    }
}

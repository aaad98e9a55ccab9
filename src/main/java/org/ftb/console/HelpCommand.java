package org.ftb.console;

import org.ftb.message.Msg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** HELP (H): lists the commands. */
final class HelpCommand implements ConsoleCommand {
    private final List<ConsoleCommand> commands;

    /** @param commands the command list this command is part of; read when HELP runs */
    HelpCommand(List<ConsoleCommand> commands) {
        this.commands = commands;
    }

    @Override
    public String name() {
        return "HELP";
    }

    @Override
    public String abbreviation() {
        return "H";
    }

    @Override
    public String summary() {
        return "list the commands";
    }

    @Override
    public List<String> run(List<String> operands, String origin) throws CommandException {
        if (!operands.isEmpty()) {
            throw new CommandException("HELP takes no operands; found " + String.join(" ", operands));
        }
        List<String> lines = new ArrayList<>();
        lines.add(Msg.FTB0311I.format(""));
        for (ConsoleCommand command : commands) {
            String abbreviation = command.abbreviation().equals(command.name()) ? "" : command.abbreviation();
            lines.add(String.format(Locale.ROOT, " %-8s %-3s %s", command.name(), abbreviation, command.summary()));
        }
        return lines;
    }
}

package org.ftb.console;

import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.message.Printable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses operator command text and runs the command. Every console (a terminal, a pipe, the z/OS
 * MODIFY interface) calls {@link #dispatch} with the text and its own name, and shows the lines it
 * gets back. Text is handled without regard to case, since MODIFY text arrives upper-cased.
 */
public final class CommandDispatcher {
    /** Why command text with a character outside printable ASCII is refused: a console takes one line of it. */
    public static final String NOT_PRINTABLE = "command text may hold only printable ASCII characters";

    /** True when every character of {@code text} is printable ASCII, as command text must be. */
    public static boolean printable(String text) {
        return text.chars().allMatch(c -> c >= 0x20 && c < 0x7F);
    }

    /** Longest command text accepted; MODIFY delivers at most about 126 characters. */
    public static final int MAX_TEXT = 256;

    private final Map<String, ConsoleCommand> byWord = new LinkedHashMap<>();
    private final List<ConsoleCommand> commands;
    private final MessageLog log;

    public CommandDispatcher(List<ConsoleCommand> commands, MessageLog log) {
        this.commands = List.copyOf(commands);
        this.log = log;
        for (ConsoleCommand command : commands) {
            register(command.name(), command);
            register(command.abbreviation(), command);
        }
    }

    private void register(String word, ConsoleCommand command) {
        ConsoleCommand previous = byWord.put(word.toUpperCase(Locale.ROOT), command);
        if (previous != null && previous != command) {
            throw new IllegalArgumentException(word + " names both " + previous.name() + " and " + command.name());
        }
    }

    /** The standard command set; the broker's own (DISPLAY RULES, SSH, CONFIG and TRACE) where the service has them. */
    public static CommandDispatcher standard(BrokerControl control, MessageLog log) {
        BrokerDetails details = control instanceof BrokerDetails d ? d : null;
        List<ConsoleCommand> commands = new ArrayList<>();
        commands.add(new DisplayCommand(control, details));
        commands.add(new Command("RELOAD", "RELOAD", "read the configuration again; new sessions use it",
                Set.of(), Set.of(), (operands, origin) -> control.reload(origin)));
        commands.add(new Command("DRAIN", "DRAIN", "refuse new sessions; active ones go on",
                Set.of(), Set.of(), (operands, origin) -> control.drain(true, origin)));
        commands.add(new Command("RESUME", "RESUME", "take new sessions again after DRAIN",
                Set.of(), Set.of(), (operands, origin) -> control.drain(false, origin)));
        commands.add(new Command("CANCEL", "C", "end one session now: CANCEL SESSION=id",
                Set.of(), Set.of("SESSION"), (operands, origin) -> control.cancel(operands.session("SESSION", control.sessionLetter())
                        .orElseThrow(() -> new ConsoleCommand.CommandException("CANCEL needs SESSION=id, such as SESSION=C17")), origin)));
        if (details != null) {
            commands.add(new Command("TRACE", "TRACE", "protocol trace: TRACE ON|OFF [SESSION=id]",
                    Set.of("ON", "OFF"), Set.of("SESSION"), (operands, origin) -> {
                        if (operands.words().size() != 1) {
                            throw new ConsoleCommand.CommandException("TRACE needs one of ON or OFF");
                        }
                        return details.trace(operands.has("ON"), operands.session("SESSION", control.sessionLetter()), origin);
                    }));
        }
        commands.add(new Command("STOP", "P", "graceful stop; a second STOP or STOP FORCE ends all now",
                Set.of("FORCE"), Set.of(), (operands, origin) -> stop(control, operands.has("FORCE"), origin)));
        commands.add(new HelpCommand(commands));
        return new CommandDispatcher(commands, log);
    }

    private static List<String> stop(BrokerControl control, boolean force, String origin) {
        if (force) {
            control.stopNow(origin);
            return List.of(Msg.FTB0303I.format());
        }
        // The first STOP is announced by the service itself (FTB0004I), wherever it came from.
        return control.stop(origin) ? List.of() : List.of(Msg.FTB0303I.format());
    }

    public List<ConsoleCommand> commands() {
        return commands;
    }

    /**
     * Runs one command line; blank text gives no response.
     *
     * @return the response, every line at most {@link ConsoleText#WIDTH} characters and printable
     */
    public List<String> dispatch(String text, String origin) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return List.of();
        }
        return ConsoleText.fit(respond(trimmed, origin));
    }

    private List<String> respond(String trimmed, String origin) {
        if (trimmed.length() > MAX_TEXT) {
            return List.of(Msg.FTB0302E.format("command text is longer than " + MAX_TEXT + " characters"));
        }
        if (!printable(trimmed)) {
            return List.of(Msg.FTB0302E.format(NOT_PRINTABLE));
        }
        List<String> words = Arrays.stream(trimmed.toUpperCase(Locale.ROOT).split("[\\s,]+")).toList();
        log.log(Msg.FTB0300I, origin, String.join(" ", words));
        ConsoleCommand command = byWord.get(words.get(0));
        if (command == null) {
            return List.of(Msg.FTB0301E.format(words.get(0)));
        }
        try {
            // DISPLAY shows what clients chose (user names, destinations): no line may carry a control to the terminal.
            return command.run(words.subList(1, words.size()), origin).stream().map(Printable::of).toList();
        } catch (ConsoleCommand.CommandException e) {
            return List.of(Msg.FTB0302E.format(e.getMessage()));
        } catch (RuntimeException e) {
            // A fault of ours must cost one answer, never the console: every console's thread calls this.
            log.log(Msg.FTB0010E, "command " + words.get(0), String.valueOf(e));
            return List.of(Msg.FTB0010E.format("command " + words.get(0), String.valueOf(e)));
        }
    }
}

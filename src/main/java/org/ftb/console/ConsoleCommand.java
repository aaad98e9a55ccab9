package org.ftb.console;

import java.util.List;

/** One operator command. Commands are looked up by name or abbreviation, without regard to case. */
public interface ConsoleCommand {
    String name();

    /** The short form operators type, such as D for DISPLAY; may equal the name. */
    String abbreviation();

    String summary();

    /**
     * @param operands the words after the command, upper case
     * @return the response lines, the first carrying a message ID
     * @throws CommandException for operands the command does not accept
     */
    List<String> run(List<String> operands, String origin) throws CommandException;

    /** A command refused for its operands; the message is shown to the operator with FTB0302E. */
    final class CommandException extends Exception {
        private static final long serialVersionUID = 1L;

        public CommandException(String message) {
            super(message);
        }
    }
}

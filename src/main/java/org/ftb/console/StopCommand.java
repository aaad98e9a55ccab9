package org.ftb.console;

import org.ftb.message.Msg;

import java.util.List;

/** STOP (P): graceful stop; a second STOP ends every session at once. */
final class StopCommand implements ConsoleCommand {
    private final BrokerControl control;

    StopCommand(BrokerControl control) {
        this.control = control;
    }

    @Override
    public String name() {
        return "STOP";
    }

    @Override
    public String abbreviation() {
        return "P";
    }

    @Override
    public String summary() {
        return "graceful stop; a second STOP ends all sessions at once";
    }

    @Override
    public List<String> run(List<String> operands, String origin) throws CommandException {
        CommandDispatcher.noOperands(this, operands);
        if (control.stop(origin)) {
            return List.of();  // the broker announces the stop itself (FTB0004I), wherever it came from
        }
        return List.of(Msg.FTB0303I.format());
    }
}

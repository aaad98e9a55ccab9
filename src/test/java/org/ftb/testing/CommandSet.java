package org.ftb.testing;

import org.ftb.console.BrokerControl;
import org.ftb.console.CommandDispatcher;
import org.ftb.console.ConsoleCommand;
import org.ftb.message.MessageLog;
import org.ftb.status.BrokerStatus;
import org.slf4j.LoggerFactory;

import java.util.List;

/** The broker's standard operator commands, for tests that check the docs name them; none is run. */
public final class CommandSet {
    private CommandSet() {
    }

    public static List<ConsoleCommand> standard() {
        return CommandDispatcher.standard(new BrokerControl() {
            @Override
            public BrokerStatus status() {
                throw new AssertionError("not called: only the command list is read");
            }

            @Override
            public boolean stop(String origin) {
                return false;
            }
        }, new MessageLog(LoggerFactory.getLogger("ftb"))).commands();
    }
}

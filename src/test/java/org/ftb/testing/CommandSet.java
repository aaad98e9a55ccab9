package org.ftb.testing;

import org.ftb.console.BrokerControl;
import org.ftb.console.BrokerDetails;
import org.ftb.console.CommandDispatcher;
import org.ftb.console.ConsoleCommand;
import org.ftb.message.MessageLog;
import org.ftb.rules.Rule;
import org.ftb.status.BrokerStatus;
import org.ftb.status.SshConnectionView;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** The broker's standard operator commands, for tests that check the docs name them; none but HELP is run. */
public final class CommandSet {
    private CommandSet() {
    }

    public static List<ConsoleCommand> standard() {
        return dispatcher().commands();
    }

    /** The broker's dispatcher, for commands that read nothing of a broker (HELP). */
    public static CommandDispatcher dispatcher() {
        return CommandDispatcher.standard(new NotRun(), new MessageLog(LoggerFactory.getLogger("ftb")));
    }

    /** A broker's interfaces, so that the broker's full set is made; only the command list is read. */
    private static final class NotRun implements BrokerControl, BrokerDetails {
        private static AssertionError notRun() {
            return new AssertionError("not called: only the command list is read");
        }

        @Override
        public BrokerStatus status() {
            throw notRun();
        }

        @Override
        public boolean stop(String origin) {
            throw notRun();
        }

        @Override
        public void stopNow(String origin) {
            throw notRun();
        }

        @Override
        public List<String> drain(boolean on, String origin) {
            throw notRun();
        }

        @Override
        public List<String> cancel(long sessionId, String origin) {
            throw notRun();
        }

        @Override
        public List<String> reload(String origin) {
            throw notRun();
        }

        @Override
        public List<Rule> rules() {
            throw notRun();
        }

        @Override
        public Map<String, Long> ruleHits() {
            throw notRun();
        }

        @Override
        public List<SshConnectionView> sshConnections() {
            throw notRun();
        }

        @Override
        public String configSource() {
            throw notRun();
        }

        @Override
        public List<String> effectiveConfiguration() {
            throw notRun();
        }

        @Override
        public List<String> trace(boolean on, OptionalLong sessionId, String origin) {
            throw notRun();
        }
    }
}

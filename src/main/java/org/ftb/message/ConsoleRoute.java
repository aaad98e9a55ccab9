package org.ftb.message;

import java.util.Optional;

/**
 * Which messages go to the system operator's console (on z/OS, by WTO) besides the log, and how. Audit
 * records and routine session events stay in the log: a console is read by people, and by automation
 * that acts on message IDs. docs/messages.md lists every routed message with its codes.
 */
public enum ConsoleRoute {
    /** The service's life: starting, ready, stopping, stopped. */
    LIFECYCLE(Integer.MAX_VALUE),
    /** What keeps the service from starting or working: configuration errors, a port that cannot be bound. */
    FAILURE(10),
    /** A tunnel's SSH host that cannot be reached; one session's message stands for the others that minute. */
    TUNNEL(1),
    /** A security event: a session continued in plaintext, a refused SSH host key. */
    SECURITY(1),
    /** A condition that needs an operator, kept on the console until it clears (an A message). */
    ACTION(Integer.MAX_VALUE),
    /** The response to an operator command. */
    RESPONSE(Integer.MAX_VALUE);

    private final int perMinute;

    ConsoleRoute(int perMinute) {
        this.perMinute = perMinute;
    }

    /** At most this many messages of one ID a minute reach the console; the log has every one. */
    public int perMinute() {
        return perMinute;
    }

    /** The route of {@code msg}, or empty for a message that is only logged. */
    public static Optional<ConsoleRoute> of(Msg msg) {
        return Optional.ofNullable(switch (msg) {
            case FTB0001I, FTB0002I, FTB0003I, FTB0004I, FTB0005I, FTB0008W, FTB0009W, FTB0014I, FTB0015I, FTB0017W, FTB0021I,
                    FTB0304I, FTB0305E, FTB0313I, FTB0314I, FTB0500I, FTB0505I, FTB0507I, FTB0517I -> LIFECYCLE;
            case FTB0006E, FTB0007E, FTB0010E, FTB0018W, FTB0019W, FTB0128E, FTB0504E, FTB0506E, FTB0322E, FTB0323E -> FAILURE;
            case FTB0221E -> TUNNEL;
            case FTB0222E, FTB0237W, FTB0324E, FTB0325E -> SECURITY;
            case FTB0013A -> ACTION;
            // A finding that stops the configuration from loading, at start or when it is checked.
            default -> msg.id().startsWith("FTB01") && msg.severity() == Severity.E ? FAILURE : null;
        });
    }

    /** The action message that {@code msg} reports cleared, to be deleted from the console. */
    public static Optional<Msg> clears(Msg msg) {
        return msg == Msg.FTB0014I || msg == Msg.FTB0021I ? Optional.of(Msg.FTB0013A) : Optional.empty();
    }
}

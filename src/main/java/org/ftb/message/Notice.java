package org.ftb.message;

/**
 * A message made before it can be logged: found while the platform was asked its code pages, and
 * logged once logging is in place, so that it reaches the LOG FILE too.
 */
public record Notice(Msg msg, String text) {
    public static Notice of(Msg msg, Object... args) {
        return new Notice(msg, msg.format(args));
    }
}

package org.ftb.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * A console on a pair of streams: standard input and output when the broker runs in the foreground,
 * from a terminal or a pipe. End of input ends the console, not the broker.
 */
public final class StreamConsole implements Runnable {
    private final BufferedReader in;
    private final PrintStream out;
    private final CommandDispatcher dispatcher;
    private final String origin;

    public StreamConsole(InputStream in, Charset charset, PrintStream out, CommandDispatcher dispatcher, String origin) {
        this.in = new BufferedReader(new InputStreamReader(in, charset));
        this.out = out;
        this.dispatcher = dispatcher;
        this.origin = origin;
    }

    @Override
    public void run() {
        try {
            String line;
            while ((line = in.readLine()) != null) {
                for (String response : dispatcher.dispatch(line, origin)) {
                    out.println(response);
                }
                out.flush();
            }
        } catch (IOException e) {
            // standard input went away: the broker carries on without this console
        }
    }
}

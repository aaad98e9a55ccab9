package org.ftb.gateway;

import org.ftb.config.BrokerConfig;
import org.ftb.config.ConfigLoader;
import org.ftb.config.ConfigReader;
import org.ftb.config.Diagnostics;
import org.ftb.config.GatewaySettings;
import org.ftb.console.BrokerControl;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.status.GatewayStatus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The operator commands that apply to {@code ftb gateway}: it has no rules, SSH pool or trace of its own.
 *
 * @param version what DISPLAY's header shows
 * @param stopped counted down when the gateway has stopped
 * @param reader  reads the configuration source again, for RELOAD
 */
public record GatewayControl(Gateway gateway, String version, CountDownLatch stopped, MessageLog messages, ConfigReader reader)
    implements BrokerControl {
    @Override
    public char sessionLetter() {
        return 'S';
    }

    @Override
    public GatewayStatus status() {
        return gateway.status(version, stopped.getCount() == 0);
    }

    /** The gateway stops at once either way: its sessions are SSH connections, which the broker reconnects. */
    @Override
    public synchronized boolean stop(String origin) {
        if (stopped.getCount() == 0) {
            return false;
        }
        try {
            gateway.stop(origin);
        } catch (IOException e) {
            messages.log(Msg.FTB0504E, e.getMessage());
        }
        stopped.countDown();
        return true;
    }

    @Override
    public void stopNow(String origin) {
        stop(origin);
    }

    @Override
    public List<String> drain(boolean on, String origin) {
        if (!gateway.drain(on)) {
            return List.of(Msg.FTB0315I.format(on ? "the gateway is draining already" : "the gateway is not draining"));
        }
        return List.of(messages.answer(on ? Msg.FTB0313I : Msg.FTB0314I, origin, gateway.status("", false).activeSessions()));
    }

    @Override
    public List<String> cancel(long sessionId, String origin) {
        return gateway.cancel(sessionId) ? List.of(messages.answer(Msg.FTB0316I, origin, "S" + sessionId))
                : List.of(Msg.FTB0317E.format("S" + sessionId));
    }

    @Override
    public synchronized List<String> reload(String origin) {
        ConfigLoader.Result result = reader.read();
        List<String> lines = new ArrayList<>();
        Optional<GatewaySettings> next = result.config().flatMap(BrokerConfig::gateway);
        if (next.isEmpty()) {
            lines.add(messages.answer(Msg.FTB0305E, origin, result.source(), Math.max(result.returnCode(), Diagnostics.RC_ERROR)));
            if (result.config().isPresent()) {
                lines.add(messages.answer(Msg.FTB0506E, result.source()));
            }
        } else {
            List<String> atRestart = gateway.reload(next.get());
            lines.add(messages.answer(Msg.FTB0517I, origin, result.source(), next.get().permits().size()));
            atRestart.forEach(operand -> lines.add(messages.answer(Msg.FTB0309W, operand)));
        }
        result.diagnostics().all().forEach(d -> {
            messages.logFormatted(d.msg(), d.text());
            lines.add(d.text());
        });
        return lines;
    }

}

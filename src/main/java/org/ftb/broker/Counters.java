package org.ftb.broker;

import org.ftb.status.Totals;

import java.util.concurrent.atomic.AtomicLong;

/** Totals since the broker started, for DISPLAY. */
final class Counters {
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong relayed = new AtomicLong();
    final AtomicLong denied = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong busy = new AtomicLong();
    final AtomicLong bytesUp = new AtomicLong();
    final AtomicLong bytesDown = new AtomicLong();
    final AtomicLong peak = new AtomicLong();
    final AtomicLong fallbacks = new AtomicLong();
    /** FTP transfers ended, one an audit record (FTB0251I). */
    final AtomicLong transfers = new AtomicLong();

    public Totals snapshot() {
        return new Totals(accepted.get(), relayed.get(), denied.get(), refused.get(), failed.get(), busy.get(),
                bytesUp.get(), bytesDown.get(), peak.get(), fallbacks.get(), transfers.get());
    }
}

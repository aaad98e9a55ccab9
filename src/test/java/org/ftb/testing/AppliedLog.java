package org.ftb.testing;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import org.ftb.logging.LogSetup;
import org.slf4j.LoggerFactory;

/**
 * Logging as a LOG statement sets it, for a test that runs what an operator runs; closing it flushes
 * that log and puts the tests' own logging back for the tests that follow in this JVM.
 */
public final class AppliedLog implements AutoCloseable {
    private AppliedLog() {
    }

    /** Logging that the code under test sets up itself (ftb broker, ftb gateway) is undone on close as well. */
    public static AppliedLog undoOnClose() {
        return new AppliedLog();
    }

    public static AppliedLog apply(org.ftb.config.LogSettings settings) throws java.io.IOException {
        return apply(settings, TestPlatform.utf8());
    }

    public static AppliedLog apply(org.ftb.config.LogSettings settings, org.ftb.platform.Platform platform) throws java.io.IOException {
        AppliedLog applied = new AppliedLog();
        LogSetup.apply(settings, platform);
        return applied;
    }

    @Override
    public void close() {
        LogSetup.shutdown();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        try {
            new ContextInitializer(context).autoConfig();
        } catch (JoranException e) {
            throw new IllegalStateException("the tests' logback configuration is broken", e);
        }
    }
}

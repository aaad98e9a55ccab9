package org.ftb.testing;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

import java.io.InputStream;

/**
 * Gives the tests an empty standard input. A broker started in the test JVM reads operator commands from
 * System.in on its console thread, as it must from a shell; in a Surefire or Failsafe fork, standard input
 * is the plugin's command channel, and a console thread blocked on it takes the plugin's commands (the
 * acknowledgement of the fork's goodbye among them), so the fork waits 30 seconds and then kills itself
 * ("Surefire is going to kill self fork JVM"). The plugin reads its channel through the stream it took
 * before any test ran, so putting another in System.in here leaves the channel to the plugin alone.
 *
 * <p>Registered for every launcher in META-INF/services; a test that needs input sets its own, and puts
 * this one back. Nothing is restored at the end: the fork ends.
 */
public final class NoStandardInput implements TestExecutionListener {
    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        System.setIn(InputStream.nullInputStream());
    }
}

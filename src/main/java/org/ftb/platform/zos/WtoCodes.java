package org.ftb.platform.zos;

import com.ibm.jzos.WtoConstants;
import org.ftb.message.ConsoleRoute;

/**
 * The routing and descriptor codes of each console route, as the bit masks JZOS's {@code wto} takes.
 * Masks are read by name from {@code WtoConstants} on the running system; where a name is missing, the
 * WTO macro's own layout stands in: code n is bit n of a 16-bit field counted from the left, so code 1
 * is X'8000' (z/OS MVS Programming: Assembler Services Reference, WTO, ROUTCDE and DESC). IBM's JZOS
 * example passes X'0020' for routing code 11, which fits.
 *
 * <table>
 * <caption>Codes per route (docs/messages.md)</caption>
 * <tr><th>Route</th><th>Routing codes</th><th>Descriptor code</th></tr>
 * <tr><td>LIFECYCLE</td><td>2, 11</td><td>4 system status</td></tr>
 * <tr><td>FAILURE, TUNNEL</td><td>2, 11</td><td>12 important information</td></tr>
 * <tr><td>SECURITY</td><td>2, 9, 11</td><td>12 important information</td></tr>
 * <tr><td>ACTION</td><td>1, 2, 11</td><td>11 critical eventual action (kept until deleted)</td></tr>
 * <tr><td>RESPONSE</td><td>2, 11</td><td>5 immediate command response</td></tr>
 * </table>
 */
record WtoCodes(int routing, int descriptor) {

    static WtoCodes of(ConsoleRoute route) {
        int information = code("ROUTCDE_MASTER_CONSOLE_INFORMATION", 2) | code("ROUTCDE_PROGRAMMER_INFORMATION", 11);
        return switch (route) {
            case LIFECYCLE -> new WtoCodes(information, code("DESC_SYSTEM_STATUS", 4));
            case FAILURE, TUNNEL -> new WtoCodes(information, code("DESC_IMPORTANT_INFORMATION_MESSAGES", 12));
            case SECURITY -> new WtoCodes(information | code("ROUTCDE_SYSTEM_SECURITY", 9),
                    code("DESC_IMPORTANT_INFORMATION_MESSAGES", 12));
            case ACTION -> new WtoCodes(information | code("ROUTCDE_MASTER_CONSOLE_ACTION", 1),
                    code("DESC_CRITICAL_EVENTUAL_ACTION_REQUESTED", 11));
            case RESPONSE -> new WtoCodes(information, code("DESC_IMMEDIATE_COMMAND_RESPONSE", 5));
        };
    }

    /** The WTO macro's mask for code {@code n} (1-16). */
    static int mask(int n) {
        return 0x8000 >>> (n - 1);
    }

    /** Routing and descriptor masks share the layout, so one lookup serves both. */
    private static int code(String name, int code) {
        return JzosCalls.constant(WtoConstants.class, name, mask(code));
    }
}

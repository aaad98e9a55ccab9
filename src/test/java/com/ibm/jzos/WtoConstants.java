package com.ibm.jzos;

/**
 * Simulated {@code com.ibm.jzos.WtoConstants} (test scope), with the masks the broker reads by name.
 * The values follow the WTO macro's layout (code n = bit n from the left of 16); IBM's own values are
 * unconfirmed, which is why the broker never compiles them in.
 */
public interface WtoConstants {
    int ROUTCDE_MASTER_CONSOLE_ACTION = 0x8000;
    int ROUTCDE_MASTER_CONSOLE_INFORMATION = 0x4000;
    int ROUTCDE_SYSTEM_SECURITY = 0x0080;
    int ROUTCDE_PROGRAMMER_INFORMATION = 0x0020;
    int DESC_SYSTEM_STATUS = 0x1000;
    int DESC_IMMEDIATE_COMMAND_RESPONSE = 0x0800;
    int DESC_CRITICAL_EVENTUAL_ACTION_REQUESTED = 0x0020;
    int DESC_IMPORTANT_INFORMATION_MESSAGES = 0x0010;
}

package com.ibm.jzos;

/**
 * Simulated {@code com.ibm.jzos.MvsConsole} (test scope). Besides the stub's members it declares the
 * three that the broker calls by name, with the return type believed right ({@code void}).
 */
public class MvsConsole implements WtoConstants {
    private MvsConsole() {
    }

    public static boolean isListening() {
        return JzosSimulation.listening;
    }

    public static void deleteMessage(int messageId) {
        JzosSimulation.DELETED.add(messageId);
    }

    public static void wto(String message, int routcdeBitMask, int descrBitMask) {
        JzosSimulation.WTOS.add(new JzosSimulation.Wto(message, routcdeBitMask, descrBitMask));
    }

    public static void startMvsCommandListener() {
        JzosSimulation.startListener();
    }

    /** As a started task, JZOS calls handleStart as soon as the callback is registered. */
    public static void registerMvsCommandCallback(MvsCommandCallback callback) {
        JzosSimulation.callback = callback;
        if (callback != null) {
            callback.handleStart(JzosSimulation.startParameters);
        }
    }
}

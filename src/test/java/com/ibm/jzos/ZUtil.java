package com.ibm.jzos;

import java.util.Map;

/** Simulated {@code com.ibm.jzos.ZUtil} (test scope): the members the stub declares, answered from {@link JzosSimulation}. */
public class ZUtil {
    private ZUtil() {
    }

    /** Replaces every {@code &NAME.} whose NAME the simulation defines; others stay as written, as on z/OS. */
    public static String substituteSystemSymbols(String pattern) {
        String result = pattern;
        for (Map.Entry<String, String> symbol : JzosSimulation.SYMBOLS.entrySet()) {
            result = result.replace("&" + symbol.getKey() + ".", symbol.getValue());
        }
        return result;
    }

    public static String getDefaultPlatformEncoding() {
        return JzosSimulation.encoding;
    }

    public static String getCurrentJobname() {
        return "FTB";
    }
}

package org.ftb.config;

/**
 * Reads the configuration source again, for RELOAD: the same file or data set, with the same symbols and
 * record format as at the start.
 */
@FunctionalInterface
public interface ConfigReader {
    ConfigLoader.Result read();
}

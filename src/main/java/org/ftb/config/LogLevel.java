package org.ftb.config;

/** LOG LEVEL values, from least to most detail. */
public enum LogLevel {
    ERROR, WARN, INFO, DEBUG, TRACE
}

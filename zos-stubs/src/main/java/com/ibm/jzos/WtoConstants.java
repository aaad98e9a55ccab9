package com.ibm.jzos;

/**
 * Compile-only stand-in for IBM's {@code com.ibm.jzos.WtoConstants}. Deliberately empty: the routing
 * and descriptor bit masks are read by name from the real interface at run time, never compiled in.
 */
public interface WtoConstants {
}

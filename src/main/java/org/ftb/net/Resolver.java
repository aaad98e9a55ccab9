package org.ftb.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Forward name resolution, done once per connection off the I/O threads. */
@FunctionalInterface
public interface Resolver {
    InetAddress resolve(String host) throws UnknownHostException;

    /** The JVM's resolver (with its positive-answer cache). */
    static Resolver system() {
        return InetAddress::getByName;
    }
}

package org.ftb.platform;

import org.ftb.platform.zos.ZosPlatform;

import java.nio.charset.Charset;
import java.util.Optional;

/** What differs between z/OS and other systems: system symbols and the native character set. */
public interface Platform {
    String name();

    /** The value of system symbol {@code name} (upper case, without {@code &} and {@code .}). */
    Optional<String> symbol(String name);

    /** The character set of this system's consoles and text files: EBCDIC on z/OS. */
    Charset nativeCharset();

    static Platform detect() {
        return "z/OS".equals(System.getProperty("os.name")) ? new ZosPlatform() : new JvmPlatform();
    }
}

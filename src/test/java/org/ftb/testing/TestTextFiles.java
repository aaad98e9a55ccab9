package org.ftb.testing;

import org.ftb.platform.TextFiles;

import java.nio.charset.StandardCharsets;

/** How the tests' own files are read: as on a platform whose code page is UTF-8. */
public final class TestTextFiles {
    public static final TextFiles UTF8 = new TextFiles(StandardCharsets.UTF_8);

    private TestTextFiles() {
    }
}

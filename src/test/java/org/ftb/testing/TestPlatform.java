package org.ftb.testing;

import org.ftb.platform.Platform;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A platform whose code pages the test chooses, and that records the files it is asked to tag, or
 * refuses to tag them with a reason, as z/OS's chtag may.
 */
public final class TestPlatform implements Platform {
    private final Charset charset;
    private final Optional<String> tagRefusal;
    private final List<Map.Entry<Path, Charset>> tagged = new CopyOnWriteArrayList<>();

    private TestPlatform(Charset charset, Optional<String> tagRefusal) {
        this.charset = charset;
        this.tagRefusal = tagRefusal;
    }

    /** Everything in UTF-8, as on Linux; tags are recorded. */
    public static TestPlatform utf8() {
        return inCodePage(StandardCharsets.UTF_8);
    }

    /** Files and console in {@code charset}, as on z/OS with IBM-1047; tags are recorded. */
    public static TestPlatform inCodePage(Charset charset) {
        return new TestPlatform(charset, Optional.empty());
    }

    /** Tags are refused with {@code reason}. */
    public static TestPlatform refusingTags(String reason) {
        return new TestPlatform(StandardCharsets.UTF_8, Optional.of(reason));
    }

    /** The files tagged so far, each with its charset, in order. */
    public List<Map.Entry<Path, Charset>> tagged() {
        return List.copyOf(tagged);
    }

    @Override
    public String name() {
        return "test";
    }

    @Override
    public Optional<String> symbol(String name) {
        return Optional.empty();
    }

    @Override
    public Charset nativeCharset() {
        return charset;
    }

    @Override
    public Charset consoleCharset() {
        return charset;
    }

    @Override
    public void tagTextFile(Path file, Charset code) throws IOException {
        if (tagRefusal.isPresent()) {
            throw new IOException(tagRefusal.get());
        }
        tagged.add(Map.entry(file, code));
    }

    @Override
    public org.ftb.platform.DataSet readDataSet(String name) throws IOException {
        throw new IOException("no data sets here");
    }

    @Override
    public Optional<org.ftb.platform.SystemConsole> systemConsole() {
        return Optional.empty();
    }
}

package org.ftb.platform.zos;

import com.ibm.jzos.ZUtil;
import org.ftb.message.Notice;
import org.ftb.platform.DataSet;
import org.ftb.platform.Chtag;
import org.ftb.platform.LauncherEncodings;
import org.ftb.platform.Platform;
import org.ftb.platform.SystemConsole;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * z/OS through JZOS: the system's own symbol table and EBCDIC code page; the code pages the JZOS
 * launcher writes STDOUT and STDERR in ({@link LauncherEncodings}), file tags ({@link Chtag}), data sets
 * and the MVS console.
 */
public final class ZosPlatform implements Platform {
    private final SystemConsole console = new ZosConsole();
    private final LauncherEncodings encodings =
            new LauncherEncodings(ZUtil.getDefaultPlatformEncoding(), System.getenv(), Charset.defaultCharset());

    @Override
    public String name() {
        return "z/OS";
    }

    @Override
    public Optional<String> symbol(String name) {
        String pattern = "&" + name + ".";
        String value = ZUtil.substituteSystemSymbols(pattern);
        return value.equals(pattern) ? Optional.empty() : Optional.of(value);
    }

    @Override
    public Charset nativeCharset() {
        return encodings.platform();
    }

    @Override
    public Charset consoleCharset() {
        return encodings.console();
    }

    @Override
    public void tagTextFile(Path file, Charset charset) throws IOException {
        new Chtag(Chtag.SYSTEM, encodings.platform()).tag(file, charset);
    }

    @Override
    public List<Notice> warnings() {
        return encodings.warnings();
    }

    @Override
    public DataSet readDataSet(String name) throws IOException {
        return ZosDataSets.read(name, nativeCharset());
    }

    @Override
    public Optional<SystemConsole> systemConsole() {
        return Optional.of(console);
    }
}

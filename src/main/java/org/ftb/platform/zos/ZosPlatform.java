package org.ftb.platform.zos;

import com.ibm.jzos.ZUtil;
import org.ftb.platform.DataSet;
import org.ftb.platform.Platform;
import org.ftb.platform.SystemConsole;

import java.io.IOException;
import java.nio.charset.Charset;
import java.util.Optional;

/** z/OS through JZOS: the system's own symbol table and EBCDIC code page, data sets and the MVS console. */
public final class ZosPlatform implements Platform {
    private final SystemConsole console = new ZosConsole();

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
        return Charset.forName(ZUtil.getDefaultPlatformEncoding());
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

package org.ftb.platform.zos;

import com.ibm.jzos.ZUtil;
import org.ftb.platform.Platform;

import java.nio.charset.Charset;
import java.util.Optional;

/** z/OS through JZOS: the system's own symbol table and EBCDIC code page. */
public final class ZosPlatform implements Platform {

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
}

package org.ftb.platform;

import org.ftb.message.Msg;
import org.ftb.message.Notice;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The code pages of a broker run by the JZOS batch launcher, from what z/OS and the launcher's
 * environment (STDENV) say; nothing here calls JZOS, so it is tested off z/OS with the environment
 * passed in.
 *
 * <ul>
 * <li>The platform code page: {@code ZUtil.getDefaultPlatformEncoding()}, or IBM-1047 when this Java
 * lacks it (FTB0018W).</li>
 * <li>The console's (STDOUT and STDERR): {@code JZOS_OUTPUT_ENCODING} when set, as the launcher
 * writes them in it, otherwise the platform code page (IBM "Controlling output encoding").</li>
 * <li>The launcher also converts what Java writes from {@code file.encoding} to the console's code
 * page unless {@code JZOS_ENABLE_OUTPUT_TRANSCODING=false}. The broker writes its log lines in the
 * console's code page already, so when the two differ they would be converted twice: FTB0019W says to
 * turn the conversion off.</li>
 * </ul>
 */
public final class LauncherEncodings {
    static final String OUTPUT_ENCODING = "JZOS_OUTPUT_ENCODING";
    static final String OUTPUT_TRANSCODING = "JZOS_ENABLE_OUTPUT_TRANSCODING";

    private final Charset platform;
    private final Charset console;
    private final List<Notice> warnings = new ArrayList<>();

    /**
     * @param platformEncoding what {@code ZUtil.getDefaultPlatformEncoding()} returns, such as IBM-1047
     * @param environment      the process's environment ({@code System.getenv()})
     * @param fileEncoding     Java's default charset, which {@code file.encoding} sets
     */
    public LauncherEncodings(String platformEncoding, Map<String, String> environment, Charset fileEncoding) {
        CodePages.Choice platformChoice = CodePages.choose("The platform code page", platformEncoding, CodePages.IBM1047);
        platform = platformChoice.charset();
        platformChoice.warning().ifPresent(warnings::add);
        Optional<String> outputEncoding = Optional.ofNullable(environment.get(OUTPUT_ENCODING)).filter(name -> !name.isBlank());
        if (outputEncoding.isPresent()) {
            CodePages.Choice consoleChoice = CodePages.choose(OUTPUT_ENCODING, outputEncoding.get(), platform);
            console = consoleChoice.charset();
            consoleChoice.warning().ifPresent(warnings::add);
        } else {
            console = platform;
        }
        boolean transcoding = !"false".equalsIgnoreCase(environment.getOrDefault(OUTPUT_TRANSCODING, "true").strip());
        if (transcoding && !fileEncoding.equals(console)) {
            warnings.add(Notice.of(Msg.FTB0019W, CodePages.label(fileEncoding), CodePages.label(console)));
        }
    }

    /** The platform code page: that of z/OS UNIX text files, and the LOG CHARSET by default. */
    public Charset platform() {
        return platform;
    }

    /** The code page the log lines on STDOUT and STDERR are written in. */
    public Charset console() {
        return console;
    }

    /** What the operator should know about these code pages, to be logged at start. */
    public List<Notice> warnings() {
        return List.copyOf(warnings);
    }
}

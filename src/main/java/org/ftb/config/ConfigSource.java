package org.ftb.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of a configuration member as numbered lines. For fixed 80-byte records only columns 1-71
 * are data: columns 72-80 hold sequence numbers and are dropped here.
 */
public record ConfigSource(String name, List<String> lines) {
    /** Where the data of a fixed 80-byte record ends. */
    public static final int FIXED_DATA_COLUMNS = 71;

    public ConfigSource {
        lines = List.copyOf(lines);
    }

    /** How the lines of a source are laid out. */
    public enum RecordFormat {
        /** Ordinary text: every column is data. */
        STREAM,
        /** Fixed 80-byte records (a PARMLIB member): columns 72-80 are ignored. */
        FB80
    }

    public static ConfigSource ofText(String name, String text, RecordFormat format) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\r\n|\r|\n", -1)) {
            lines.add(format == RecordFormat.FB80 && line.length() > FIXED_DATA_COLUMNS ? line.substring(0, FIXED_DATA_COLUMNS) : line);
        }
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return new ConfigSource(name, lines);
    }

    /** Reads a UTF-8 file; malformed bytes are an error rather than silently replaced characters. */
    public static ConfigSource readFile(Path path, RecordFormat format) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return ofText(path.toString(), text, format);
        } catch (CharacterCodingException e) {
            throw new IOException("the file is not UTF-8 text", e);
        }
    }
}

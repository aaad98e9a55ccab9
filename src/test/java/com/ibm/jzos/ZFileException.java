package com.ibm.jzos;

import java.io.IOException;

/** Simulated {@code com.ibm.jzos.ZFileException} (test scope). */
public class ZFileException extends IOException {
    private static final long serialVersionUID = 1L;

    ZFileException(String message) {
        super(message);
    }
}

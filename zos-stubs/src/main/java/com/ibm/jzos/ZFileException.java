package com.ibm.jzos;

import java.io.IOException;

/** Compile-only stand-in for IBM's {@code com.ibm.jzos.ZFileException}; the broker only catches it. */
public class ZFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private ZFileException() {
    }
}

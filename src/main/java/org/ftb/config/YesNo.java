package org.ftb.config;

/** Operands that take YES or NO. */
enum YesNo {
    YES, NO
}

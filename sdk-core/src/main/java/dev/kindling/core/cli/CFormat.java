package dev.kindling.core.cli;

import dev.kindling.core.fasttext.CNumber;

/** Numbers printed as C++ streams print them with {@code setprecision(p)}: p significant digits, no trailing zeros. */
final class CFormat {

    private CFormat() {
    }

    static String significant(double v, int digits) {
        return CNumber.significant(v, digits);
    }
}

package dev.kindling.core.cli;

import java.math.BigDecimal;
import java.math.MathContext;

/** Numbers printed as C++ streams print them with {@code setprecision(p)}: p significant digits, no trailing zeros. */
final class CFormat {

    private CFormat() {
    }

    static String significant(double v, int digits) {
        if (Double.isNaN(v)) {
            return "-nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal r = new BigDecimal(v).round(new MathContext(digits));
        int exponent = r.precision() - r.scale() - 1;
        if (exponent < -4 || exponent >= digits) {
            BigDecimal mantissa = r.movePointLeft(exponent).stripTrailingZeros();
            String e = String.format("%s%02d", exponent < 0 ? "-" : "+", Math.abs(exponent));
            return mantissa.toPlainString() + "e" + e;
        }
        return r.stripTrailingZeros().toPlainString();
    }
}

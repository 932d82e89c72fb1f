package dev.kindling.core.fasttext;

import java.math.BigDecimal;
import java.math.MathContext;

/** Numbers as C++ streams print them with {@code setprecision(p)} in the default format: p significant digits, no trailing zeros. */
public final class CNumber {

    private CNumber() {
    }

    public static String significant(double v, int digits) {
        if (Double.isNaN(v)) {
            return "-nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
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

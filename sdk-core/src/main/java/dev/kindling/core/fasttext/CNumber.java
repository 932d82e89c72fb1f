package dev.kindling.core.fasttext;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Numbers as C++ streams print them with {@code setprecision(p)} in the default format: p significant
 * digits, no trailing zeros, scientific notation below 1e-4 or from 10^p on. Millions of values are printed
 * for a {@code .vec} file, so the digits come from double arithmetic, with exact decimal arithmetic only
 * where a value lies too close to a rounding boundary for that to be safe.
 */
public final class CNumber {

    private static final double[] POW10 = new double[23];

    static {
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = Math.pow(10, i);
        }
    }

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
        if (digits < 1 || digits > 15) {
            return exact(v, digits);
        }
        double a = Math.abs(v);
        int e = (int) Math.floor(Math.log10(a));
        double scaled = scale(a, digits - 1 - e);
        if (scaled < POW10[digits - 1]) {
            e--;
            scaled = scale(a, digits - 1 - e);
        } else if (scaled >= POW10[digits]) {
            e++;
            scaled = scale(a, digits - 1 - e);
        }
        double frac = scaled - Math.floor(scaled);
        if (Math.abs(frac - 0.5) < 1e-6 || !Double.isFinite(scaled)) {
            return exact(v, digits);
        }
        long r = (long) Math.floor(scaled + 0.5);
        if (r >= (long) POW10[digits]) {
            r /= 10;
            e++;
        }
        return layout(v < 0, r, digits, e);
    }

    private static double scale(double a, int power) {
        return power >= 0 ? (power < POW10.length ? a * POW10[power] : a * Math.pow(10, power))
                : (-power < POW10.length ? a / POW10[-power] : a / Math.pow(10, -power));
    }

    /** Places the decimal point into the {@code digits} digits of r, whose first digit has weight 10^e. */
    private static String layout(boolean negative, long r, int digits, int e) {
        String d = Long.toString(r);
        StringBuilder sb = new StringBuilder(digits + 8);
        if (negative) {
            sb.append('-');
        }
        if (e < -4 || e >= digits) {
            sb.append(d.charAt(0));
            String rest = stripZeros(d.substring(1));
            if (!rest.isEmpty()) {
                sb.append('.').append(rest);
            }
            sb.append('e').append(e < 0 ? '-' : '+');
            int ae = Math.abs(e);
            if (ae < 10) {
                sb.append('0');
            }
            return sb.append(ae).toString();
        }
        if (e < 0) {
            sb.append("0.");
            for (int i = -1; i > e; i--) {
                sb.append('0');
            }
            return sb.append(stripZeros(d)).toString();
        }
        String whole = d.substring(0, e + 1), rest = stripZeros(d.substring(e + 1));
        sb.append(whole);
        if (!rest.isEmpty()) {
            sb.append('.').append(rest);
        }
        return sb.toString();
    }

    private static String stripZeros(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '0') {
            end--;
        }
        return s.substring(0, end);
    }

    private static String exact(double v, int digits) {
        BigDecimal r = new BigDecimal(v).round(new MathContext(digits, java.math.RoundingMode.HALF_EVEN));
        int exponent = r.precision() - r.scale() - 1;
        if (exponent < -4 || exponent >= digits) {
            BigDecimal mantissa = r.movePointLeft(exponent).stripTrailingZeros();
            String e = String.format("%s%02d", exponent < 0 ? "-" : "+", Math.abs(exponent));
            return mantissa.toPlainString() + "e" + e;
        }
        return r.stripTrailingZeros().toPlainString();
    }
}

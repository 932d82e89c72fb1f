package dev.kindling.core.fasttext;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fast formatter prints what C++'s {@code setprecision} prints; the exact decimal path is the reference. */
class CNumberTest {

    @Test
    void examplesAsCppPrintsThem() {
        assertEquals("0.94", CNumber.significant(0.94, 3));
        assertEquals("1e-05", CNumber.significant(1e-5, 6));
        assertEquals("0.0001", CNumber.significant(1e-4, 6));
        assertEquals("-0.00882066", CNumber.significant(-0.00882066, 6));
        assertEquals("1.00001", CNumber.significant(1.0000100135803223, 6));
        assertEquals("123457", CNumber.significant(123456.7, 6));
        assertEquals("1.23457e+06", CNumber.significant(1234567, 6));
        assertEquals("10", CNumber.significant(9.99999999, 5));
        assertEquals("-0", CNumber.significant(-0.0, 5));
        assertEquals("1.2", CNumber.significant(1.25, 2), "exact ties round to even, as printf");
    }

    @Test
    void agreesWithExactDecimalRoundingOnMillionsOfFloats() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 300_000; i++) {
            float f = (float) ((rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(-12, 12)));
            int digits = 5 + rng.nextInt(2);
            BigDecimal r = new BigDecimal(f).round(new MathContext(digits, java.math.RoundingMode.HALF_EVEN));
            int exponent = r.precision() - r.scale() - 1;
            String want = exponent < -4 || exponent >= digits
                    ? r.movePointLeft(exponent).stripTrailingZeros().toPlainString() + "e" + String.format("%s%02d", exponent < 0 ? "-" : "+",
                    Math.abs(exponent))
                    : r.stripTrailingZeros().toPlainString();
            assertEquals(want, CNumber.significant(f, digits), "value " + f);
        }
    }
}

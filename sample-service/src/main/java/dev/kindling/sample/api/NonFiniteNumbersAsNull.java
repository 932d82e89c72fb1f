package dev.kindling.sample.api;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * Writes NaN and the infinities as JSON {@code null}: JSON has no such numbers, and Jackson's default
 * (the strings "NaN", "Infinity") breaks clients that expect a number or nothing, e.g. the loss of a job
 * that has not trained yet or the probability from a damaged model.
 */
final class NonFiniteNumbersAsNull extends SimpleModule {

    NonFiniteNumbersAsNull() {
        super("kindling-non-finite-numbers-as-null");
        addSerializer(double.class, new Writer<>(double.class));
        addSerializer(Double.class, new Writer<>(Double.class));
        addSerializer(float.class, new Writer<>(float.class));
        addSerializer(Float.class, new Writer<>(Float.class));
    }

    /** A float stays a float, so finite values are written exactly as before. */
    private static final class Writer<T extends Number> extends StdSerializer<T> {

        Writer(Class<T> type) {
            super(type);
        }

        @Override
        public void serialize(T value, JsonGenerator gen, SerializationContext context) {
            if (!Double.isFinite(value.doubleValue())) {
                gen.writeNull();
            } else if (value instanceof Float f) {
                gen.writeNumber(f.floatValue());
            } else {
                gen.writeNumber(value.doubleValue());
            }
        }
    }
}

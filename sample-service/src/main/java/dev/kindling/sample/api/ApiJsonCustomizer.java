package dev.kindling.sample.api;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.MutableCoercionConfig;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * The API's JSON: request bodies bind only values of the declared JSON type (Jackson would otherwise
 * truncate {@code "k": 2.7} to 2, read {@code "k": "3"} as 3 and {@code "text": 123} as "123", answering
 * a client's mistake as if it had asked for something else), and answers never hold the strings "NaN"
 * or "Infinity" ({@link NonFiniteNumbersAsNull}).
 */
final class ApiJsonCustomizer implements JsonMapperBuilderCustomizer {

    @Override
    public void customize(JsonMapper.Builder builder) {
        builder.withCoercionConfig(LogicalType.Integer, c -> refuse(c, CoercionInputShape.Float, CoercionInputShape.String,
                        CoercionInputShape.EmptyString, CoercionInputShape.Boolean))
                .withCoercionConfig(LogicalType.Textual, c -> refuse(c, CoercionInputShape.Integer, CoercionInputShape.Float,
                        CoercionInputShape.Boolean))
                .withCoercionConfig(LogicalType.Boolean, c -> refuse(c, CoercionInputShape.Integer, CoercionInputShape.Float,
                        CoercionInputShape.String, CoercionInputShape.EmptyString))
                .addModule(new NonFiniteNumbersAsNull());
    }

    private static void refuse(MutableCoercionConfig config, CoercionInputShape... shapes) {
        for (CoercionInputShape s : shapes) {
            config.setCoercion(s, CoercionAction.Fail);
        }
    }
}

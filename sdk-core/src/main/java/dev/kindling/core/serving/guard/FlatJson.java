package dev.kindling.core.serving.guard;

import dev.kindling.core.io.Json;

import java.util.LinkedHashMap;
import java.util.Map;

/** One flat JSON object per line (strings, numbers, booleans, null): the format of kept-version indexes and audit trails. */
final class FlatJson {

    private FlatJson() {
    }

    static String write(Map<String, ?> fields) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            sb.append(sb.length() > 1 ? "," : "").append(Json.quote(e.getKey())).append(':');
            Object v = e.getValue();
            if (v == null) {
                sb.append("null");
            } else if (v instanceof Number n) {
                sb.append(n instanceof Double d && !Double.isFinite(d) ? "null" : n.toString());
            } else if (v instanceof Boolean b) {
                sb.append(b);
            } else {
                sb.append(Json.quote(v.toString()));
            }
        }
        return sb.append('}').toString();
    }

    /** Reads one line; fails with {@link IllegalArgumentException} when it is not a flat JSON object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> read(String line) {
        Object o = Json.parse(line);
        if (!(o instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("expected a JSON object, got " + line);
        }
        return new LinkedHashMap<>((Map<String, Object>) m);
    }

    static long number(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Number n)) {
            throw new IllegalArgumentException("'" + key + "' is missing or not a number in " + m);
        }
        return n.longValue();
    }

    static Double decimal(Map<String, Object> m, String key) {
        return m.get(key) instanceof Number n ? n.doubleValue() : null;
    }

    static String text(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }
}

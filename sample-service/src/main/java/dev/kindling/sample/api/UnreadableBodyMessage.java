package dev.kindling.sample.api;

import dev.kindling.core.text.Printable;
import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;

import java.util.Collection;
import java.util.Map;

/**
 * Says in the API's terms why a request body could not be read: which field had what and what it must
 * be, or where the JSON breaks. Never Spring's or Jackson's own message, which name Java classes and the
 * controller method's signature.
 */
final class UnreadableBodyMessage {

    private UnreadableBodyMessage() {
    }

    static String of(HttpMessageNotReadableException ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof MismatchedInputException m) {
                return mismatch(m);
            }
            if (t instanceof StreamReadException s) {
                return "the request body is not valid JSON: " + reason(s) + at(s.getLocation());
            }
        }
        if (String.valueOf(ex.getMessage()).startsWith("Required request body is missing")) {
            return "the request body is missing; expected a JSON object";
        }
        return "the request body cannot be read as a JSON object for this endpoint";
    }

    private static String mismatch(MismatchedInputException m) {
        String field = path(m);
        String expected = expected(m.getTargetType());
        String got = m instanceof InvalidFormatException f ? ", got " + value(f.getValue()) : "";
        if (field.isEmpty()) {
            return "the request body must be " + expected + got;
        }
        return field + " must be " + expected + got;
    }

    /** {@code "texts"[1]} for the second element of field texts. */
    private static String path(JacksonException e) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference r : e.getPath()) {
            if (r.getPropertyName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append('"').append(Printable.escape(r.getPropertyName())).append('"');
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "a value of another JSON type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class || type == Short.class
                || type == short.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return Map.class.isAssignableFrom(type) || !type.isPrimitive() ? "an object" : "a value of another JSON type";
    }

    private static String value(Object v) {
        if (v instanceof String s) {
            return "the string " + Printable.quote(s);
        }
        if (v instanceof Number n) {
            return "the number " + n;
        }
        return String.valueOf(v);
    }

    /** Jackson's reason without its source excerpt: up to the first colon ("Unexpected end-of-input", "Unexpected character ('x' (code 120))"). */
    private static String reason(JacksonException e) {
        String m = String.valueOf(e.getOriginalMessage());
        int colon = m.indexOf(": ");
        return Printable.escape(colon > 0 ? m.substring(0, colon) : m);
    }

    private static String at(TokenStreamLocation l) {
        return l == null || l.getLineNr() < 1 ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
    }
}

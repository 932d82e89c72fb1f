package dev.kindling.core.tensor;

import java.util.Locale;

/**
 * Where a tensor lives and where its ops run: {@code cpu}, {@code cpu:1} (a CPU worker of a device
 * pool), {@code cuda:0}, … The type picks the {@link dev.kindling.core.backend.Backend}; the index
 * tells devices of one type apart.
 */
public record Device(String type, int index) {

    public static final Device CPU = new Device("cpu", 0);

    public Device {
        if (type == null || type.isBlank() || !type.equals(type.toLowerCase(Locale.ROOT)) || type.contains(":")) {
            throw new IllegalArgumentException("device type must be a lower-case name such as 'cpu' or 'cuda', got '" + type + "'");
        }
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index + " for type '" + type + "'");
        }
    }

    public static Device cuda(int index) {
        return new Device("cuda", index);
    }

    /** Parses {@code "cpu"}, {@code "cpu:2"}, {@code "cuda"} (= cuda:0) or {@code "cuda:1"}. */
    public static Device parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("device name is null; expected e.g. 'cpu' or 'cuda:0'");
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        if (colon < 0) {
            return new Device(s, 0);
        }
        try {
            return new Device(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad device name '" + text + "': expected TYPE or TYPE:INDEX, e.g. 'cuda:0'");
        }
    }

    public boolean isCpu() {
        return type.equals("cpu");
    }

    @Override
    public String toString() {
        return type + ":" + index;
    }
}

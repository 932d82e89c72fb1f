package dev.kindling.spring.device;

import dev.kindling.core.tensor.Device;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Parses {@code kindling.devices}: "auto", "cpu", or a list like "cuda:0, cuda:1". */
public record DeviceSelection(boolean auto, List<Device> requested) {

    public static DeviceSelection parse(String value) {
        String v = value == null ? "auto" : value.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.equals("auto")) {
            return new DeviceSelection(true, List.of());
        }
        Set<Device> devices = new LinkedHashSet<>();
        for (String part : v.split(",")) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("kindling.devices has an empty entry in '" + value
                        + "'; expected auto, cpu, or e.g. cuda:0,cuda:1");
            }
            devices.add(Device.parse(part));
        }
        return new DeviceSelection(false, new ArrayList<>(devices));
    }

    /** Whether the selection asks for accelerators (auto does, "cpu" does not). */
    public boolean wantsAccelerators() {
        return auto || requested.stream().anyMatch(d -> !d.isCpu());
    }

    /** Whether {@code d} was asked for. */
    public boolean includes(Device d) {
        return auto || requested.contains(d);
    }
}

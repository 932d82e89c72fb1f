package dev.kindling.core.serving.routing;

import dev.kindling.core.tensor.Device;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Which devices may serve: "auto" (any available), "cpu", or a list like "cuda:0, cuda:1". */
public record DeviceSelection(boolean auto, List<Device> requested) {

    /** Any available device. */
    public static final DeviceSelection AUTO = new DeviceSelection(true, List.of());

    public DeviceSelection {
        requested = List.copyOf(requested);
    }

    public static DeviceSelection parse(String value) {
        String v = value == null ? "auto" : value.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.equals("auto")) {
            return AUTO;
        }
        Set<Device> devices = new LinkedHashSet<>();
        for (String part : v.split(",")) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("device list '" + value + "' has an empty entry; expected auto, cpu, or e.g. cuda:0,cuda:1");
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

    @Override
    public String toString() {
        return auto ? "auto" : String.join(",", requested.stream().map(Device::toString).toList());
    }
}

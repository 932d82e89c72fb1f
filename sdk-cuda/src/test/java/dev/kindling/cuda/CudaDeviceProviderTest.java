package dev.kindling.cuda;

import dev.kindling.core.backend.Backends;
import dev.kindling.core.device.DevicePool;
import dev.kindling.core.tensor.Device;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The CUDA device provider where no GPU is usable (CI): a clear error, and CPU pools unaffected. */
class CudaDeviceProviderTest {

    @Test
    void withoutAUsableGpuACudaDeviceFailsToOpenWithTheReason() {
        assumeFalse(Backends.isAvailable("cuda"), "a GPU is present: CudaDevicePoolTest covers it");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DevicePool.open(List.of(Device.CPU, Device.cuda(0)), 4, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("cannot open cuda:0: the CUDA backend is unavailable"), e.getMessage());
    }

    @Test
    void theProviderServesOnlyCudaDevicesAndCpuPoolsStillOpen() {
        assertEquals("cuda", new CudaDeviceProvider().deviceType());
        assertThrows(IllegalArgumentException.class, () -> new CudaDeviceProvider().open(Device.CPU, 1, Duration.ofSeconds(1)));
        try (DevicePool pool = DevicePool.open(List.of(Device.CPU), 2, Duration.ofSeconds(1))) {
            assertEquals(Device.CPU, pool.get(0).device());
        }
    }
}

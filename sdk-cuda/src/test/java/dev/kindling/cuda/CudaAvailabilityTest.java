package dev.kindling.cuda;

import dev.kindling.core.backend.Backend;
import dev.kindling.core.backend.Backends;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs everywhere: the backend is found by the SPI and is either usable or says exactly why not. */
class CudaAvailabilityTest {

    @Test
    void serviceLoaderFindsTheCudaBackend() {
        boolean found = ServiceLoader.load(Backend.class).stream().anyMatch(p -> p.type() == CudaBackend.class);
        assertTrue(found, "META-INF/services must register dev.kindling.cuda.CudaBackend");
        assertEquals("dev.kindling.cuda.CudaBackend", CudaBackend.class.getName(), "the Spring starter conditions on this name");
    }

    @Test
    void unavailableBackendGivesAReasonAndTheCpuKeepsWorking() {
        CudaBackend cuda = new CudaBackend();
        if (cuda.availability().available()) {
            assertTrue(Backends.isAvailable("cuda"));
            assertFalse(cuda.devices().isEmpty());
            return;
        }
        String reason = cuda.availability().reason();
        assertFalse(reason == null || reason.isBlank(), "an unavailable backend must say why");
        assertTrue(cuda.devices().isEmpty());
        assertFalse(Backends.isAvailable("cuda"));
        assertEquals(reason, Backends.unavailable().get("cuda"), "Backends records the backend's own reason");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> Tensor.zeros(Device.cuda(0), 3));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        Tensor a = Tensor.of(new float[]{1, 2, 3}, 3);
        a.backend().blas().scale(a, 2f);
        assertArrayEquals(new float[]{2, 4, 6}, a.toArray());
    }
}

package dev.kindling.spring.device;

import dev.kindling.core.backend.Backend;
import dev.kindling.core.backend.Backends;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Registers one {@link InferenceDevice} bean per CUDA device when the CUDA backend
 * ({@code kindling-sdk-cuda}) is on the class path and reports itself available. Without a driver (or
 * with a failing one) it registers nothing and logs why: everything then runs on the CPU.
 */
@AutoConfiguration
@ConditionalOnClass(name = CudaDevicesAutoConfiguration.CUDA_BACKEND_CLASS)
public class CudaDevicesAutoConfiguration {

    /** The CUDA backend's SPI implementation in kindling-sdk-cuda. */
    public static final String CUDA_BACKEND_CLASS = "dev.kindling.cuda.CudaBackend";

    private static final Logger log = LoggerFactory.getLogger(CudaDevicesAutoConfiguration.class);

    @Bean
    static BeanDefinitionRegistryPostProcessor kindlingCudaDevices() {
        return (BeanDefinitionRegistry registry) -> {
            if (!Backends.isAvailable("cuda")) {
                log.info("CUDA backend present but unavailable ({}); serving on the CPU",
                        Backends.unavailable().getOrDefault("cuda", "no reason given"));
                return;
            }
            Backend cuda = Backends.forDevice(new dev.kindling.core.tensor.Device("cuda", 0));
            for (var d : cuda.devices()) {
                RootBeanDefinition def = new RootBeanDefinition(InferenceDevice.class, () -> new BackendInferenceDevice(d));
                registry.registerBeanDefinition("kindlingInferenceDevice-" + d, def);
            }
        };
    }
}

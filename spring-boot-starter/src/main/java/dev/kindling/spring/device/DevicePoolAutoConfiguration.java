package dev.kindling.spring.device;

import dev.kindling.core.device.ComputeDevice;
import dev.kindling.core.device.DevicePool;
import dev.kindling.core.serving.routing.DeviceSelection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.util.ArrayList;
import java.util.List;

/**
 * The devices: the engine's one discovery ({@link DevicePool#discover}: {@code cpu:0} plus the accelerators
 * {@code kindling.devices} admits, from the CUDA backend when it is on the class path and usable), each behind
 * its guards in a {@link DeviceRouter}.
 */
@AutoConfiguration
@EnableConfigurationProperties(KindlingDeviceProperties.class)
public class DevicePoolAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DevicePoolAutoConfiguration.class);

    /** The engine's one device discovery; an application may supply its own pool (it must hold a CPU device). */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public DevicePool kindlingDevicePool(KindlingDeviceProperties properties) {
        DeviceSelection selection = DeviceSelection.parse(properties.getDevices());
        return DevicePool.discover(selection::includes, DevicePool.DEFAULT_MAX_IN_FLIGHT, DevicePool.DEFAULT_ADMISSION_TIMEOUT);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public DeviceRouter kindlingDeviceRouter(KindlingDeviceProperties properties, DevicePool pool) {
        DeviceSelection selection = DeviceSelection.parse(properties.getDevices());
        List<GuardedDevice> guarded = new ArrayList<>();
        for (ComputeDevice d : pool.devices()) {
            if (d.device().isCpu() || selection.includes(d.device())) {
                guarded.add(new GuardedDevice(d, properties.settingsFor(d.device().toString())));
            }
        }
        for (var wanted : selection.requested()) {
            if (!wanted.isCpu() && pool.devices().stream().noneMatch(d -> d.device().equals(wanted))) {
                log.warn("kindling.devices asks for {} but no such device is available here; serving on the CPU instead", wanted);
            }
        }
        DeviceRouter router = new DeviceRouter(guarded);
        log.info("Kindling devices: {}", router.guardedDevices());
        return router;
    }
}

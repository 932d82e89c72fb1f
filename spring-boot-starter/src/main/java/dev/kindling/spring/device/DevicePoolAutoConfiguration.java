package dev.kindling.spring.device;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.util.ArrayList;
import java.util.List;

/**
 * The device pool: every {@link InferenceDevice} bean the selection admits (accelerators come from the
 * CUDA auto-configuration, or from the application), plus the CPU, each behind its guards in a
 * {@link DeviceRouter}.
 */
@AutoConfiguration(after = CudaDevicesAutoConfiguration.class)
@EnableConfigurationProperties(KindlingDeviceProperties.class)
public class DevicePoolAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DevicePoolAutoConfiguration.class);

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public DeviceRouter kindlingDeviceRouter(KindlingDeviceProperties properties, ObjectProvider<InferenceDevice> devices) {
        DeviceSelection selection = DeviceSelection.parse(properties.getDevices());
        List<GuardedDevice> guarded = new ArrayList<>();
        boolean cpu = false;
        for (InferenceDevice d : devices.orderedStream().toList()) {
            if (d.isCpu()) {
                cpu = true;
            } else if (!selection.includes(d.device())) {
                continue;
            }
            guarded.add(new GuardedDevice(d, properties.settingsFor(d.device().toString())));
        }
        for (var wanted : selection.requested()) {
            if (!wanted.isCpu() && guarded.stream().noneMatch(g -> g.device().device().equals(wanted))) {
                log.warn("kindling.devices asks for {} but no such device is available here; serving on the CPU instead", wanted);
            }
        }
        if (!cpu) {
            guarded.add(new GuardedDevice(new CpuInferenceDevice(), properties.settingsFor("cpu:0")));
        }
        DeviceRouter router = new DeviceRouter(guarded);
        log.info("Kindling devices: {}", router.devices());
        return router;
    }
}

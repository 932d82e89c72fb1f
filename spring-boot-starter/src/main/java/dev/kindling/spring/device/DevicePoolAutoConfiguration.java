package dev.kindling.spring.device;

import dev.kindling.core.device.ComputeDevice;
import dev.kindling.core.device.DevicePool;
import dev.kindling.core.serving.routing.DeviceSelection;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
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
 * The devices ({@code kindling.routing.*}): the engine's one discovery ({@link DevicePool#discover}: {@code cpu:0} plus
 * the accelerators {@code kindling.routing.devices} admits, from the CUDA backend when it is on the class path and
 * usable), each behind its guards in a {@link DeviceRouter}. The guards are created in Resilience4j registries, the
 * application's when it has registry beans, so that Resilience4j's own metrics and endpoints list them.
 */
@AutoConfiguration
@EnableConfigurationProperties(RoutingProperties.class)
public class DevicePoolAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DevicePoolAutoConfiguration.class);

    /** The engine's one device discovery; an application may supply its own pool (it must hold a CPU device). */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public DevicePool kindlingDevicePool(RoutingProperties properties) {
        DeviceSelection selection = selection(properties);
        return DevicePool.discover(selection::includes, DevicePool.DEFAULT_MAX_IN_FLIGHT, DevicePool.DEFAULT_ADMISSION_TIMEOUT);
    }

    @Bean
    @ConditionalOnMissingBean
    public CircuitBreakerRegistry kindlingCircuitBreakerRegistry() {
        return CircuitBreakerRegistry.ofDefaults();
    }

    @Bean
    @ConditionalOnMissingBean
    public BulkheadRegistry kindlingBulkheadRegistry() {
        return BulkheadRegistry.ofDefaults();
    }

    @Bean
    @ConditionalOnMissingBean
    public TimeLimiterRegistry kindlingTimeLimiterRegistry() {
        return TimeLimiterRegistry.ofDefaults();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public DeviceRouter kindlingDeviceRouter(RoutingProperties properties, DevicePool pool, ObjectProvider<CircuitBreakerRegistry> breakers,
                                             ObjectProvider<BulkheadRegistry> bulkheads, ObjectProvider<TimeLimiterRegistry> timeLimiters) {
        DeviceSelection selection = selection(properties);
        GuardRegistries registries = new GuardRegistries(breakers.getObject(), bulkheads.getObject(), timeLimiters.getObject());
        List<GuardedDevice> guarded = new ArrayList<>();
        for (ComputeDevice d : pool.devices()) {
            if (d.device().isCpu() || selection.includes(d.device())) {
                guarded.add(new GuardedDevice(d, properties.settingsFor(d.device().toString()), registries));
            }
        }
        for (var wanted : selection.requested()) {
            if (!wanted.isCpu() && pool.devices().stream().noneMatch(d -> d.device().equals(wanted))) {
                log.warn("kindling.routing.devices asks for {} but no such device is available here; serving on the CPU instead", wanted);
            }
        }
        DeviceRouter router = new DeviceRouter(guarded);
        log.info("Kindling devices: {}", router.guardedDevices());
        return router;
    }

    private static DeviceSelection selection(RoutingProperties properties) {
        try {
            return DeviceSelection.parse(properties.getDevices());
        } catch (IllegalArgumentException e) {
            throw new dev.kindling.spring.config.InvalidKindlingPropertyException("kindling.routing.devices", properties.getDevices(),
                    e.getMessage(), "Set kindling.routing.devices to auto, cpu, or a list of devices such as cuda:0,cuda:1.");
        }
    }
}

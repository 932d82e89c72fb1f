package dev.kindling.spring.observability;

import dev.kindling.core.text.TrainingArgs;
import dev.kindling.spring.StarterFixtures;
import dev.kindling.spring.classifier.Classifier;
import dev.kindling.spring.classifier.Classifiers;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Observations for classify, feedback and jobs; counters as counters; an outcome tag; Resilience4j meters; the health switch. */
class ObservabilityTest {

    @TempDir
    Path data;

    private String model() {
        return "kindling.models.topics.checkpoint=" + StarterFixtures.model(TrainingArgs.Loss.HSM);
    }

    @Test
    void classifyFeedbackAndJobsAreObserved() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        // The job's observation stops in a callback of the job's end, which may run after the test's own wait returns.
        CountDownLatch jobObserved = new CountDownLatch(1);
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onStop(Observation.Context context) {
                if (context.getName().equals("kindling.fine-tuning.job")) {
                    jobObserved.countDown();
                }
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
        StarterFixtures.runner(data).withBean(ObservationRegistry.class, () -> observations)
                .withPropertyValues(model(), "kindling.fine-tuning.max-batch-delay=1ms").run(ctx -> {
                    Classifier topics = ctx.getBean(Classifiers.class).get("topics");
                    topics.classify("rain snow");
                    Observation request = Observation.start("http.server.requests", observations);
                    try (Observation.Scope scope = request.openScope()) {
                        topics.feedback("rain snow", "weather").get().awaitApplied(Duration.ofSeconds(20));
                    }
                    request.stop();
                    var job = topics.startJob(new ByteArrayInputStream("__label__sport goal match\n".getBytes(StandardCharsets.UTF_8)));
                    job.whenEnded().get(20, TimeUnit.SECONDS);
                    assertThat(jobObserved.await(20, TimeUnit.SECONDS)).isTrue();
                    TestObservationRegistryAssert.assertThat(observations)
                            .hasObservationWithNameEqualTo("kindling.classify").that().hasLowCardinalityKeyValue("kindling.model", "topics")
                            .hasBeenStopped();
                    TestObservationRegistryAssert.assertThat(observations).hasObservationWithNameEqualTo("kindling.feedback").that()
                            .hasParentObservationEqualTo(request).hasBeenStopped();
                    TestObservationRegistryAssert.assertThat(observations).hasObservationWithNameEqualTo("kindling.fine-tuning.job").that()
                            .hasLowCardinalityKeyValue("kindling.job.state", "SUCCEEDED").hasBeenStopped();
                });
    }

    @Test
    void countsAreCountersLatencyHasAnOutcomeAndGuardsAreInResilience4jsMeters() {
        StarterFixtures.runner(data).withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new).withPropertyValues(model()).run(ctx -> {
            MeterRegistry meters = ctx.getBean(SimpleMeterRegistry.class);
            ctx.getBean(KindlingMetrics.class).bindTo(meters);
            ctx.getBean("kindlingResilienceMetrics", io.micrometer.core.instrument.binder.MeterBinder.class).bindTo(meters);
            Classifier topics = ctx.getBean(Classifiers.class).get("topics");
            topics.classify("rain snow");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> topics.classify("rain", 0, 0f));
            assertThat(meters.find("kindling.device.calls").meter()).isInstanceOf(FunctionCounter.class);
            assertThat(meters.find("kindling.device.failures").meter()).isInstanceOf(FunctionCounter.class);
            assertThat(meters.find("kindling.inference.latency").tag("outcome", "success").timer().count()).isEqualTo(1);
            assertThat(meters.find("kindling.inference.latency").tag("outcome", "client_error").timer().count()).isEqualTo(1);
            assertThat(meters.find("resilience4j.bulkhead.available.concurrent.calls").tag("name", "kindling-cpu:0").gauge()).isNotNull();
        });
    }

    @Test
    void healthShowsTheKernelSetAndCanBeSwitchedOff() {
        StarterFixtures.runner(data).withPropertyValues(model()).run(ctx -> {
            Health h = ctx.getBean("kindlingHealthIndicator", HealthIndicator.class).health();
            assertThat(h.getDetails().get("cpuKernels")).isEqualTo(CpuKernelSet.current());
        });
        StarterFixtures.runner(data).withPropertyValues("management.health.kindling.enabled=false").run(ctx ->
                assertThat(ctx).doesNotHaveBean(KindlingHealthIndicator.class));
        StarterFixtures.runner(data).withClassLoader(new FilteredClassLoader("io.github.resilience4j.micrometer")).run(ctx ->
                assertThat(ctx).doesNotHaveBean("kindlingResilienceMetrics"));
    }
}

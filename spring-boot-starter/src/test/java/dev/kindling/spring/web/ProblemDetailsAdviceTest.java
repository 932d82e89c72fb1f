package dev.kindling.spring.web;

import dev.kindling.core.serving.guard.LabelRefusedException;
import dev.kindling.core.serving.guard.LabelRule;
import dev.kindling.core.serving.guard.RollbackRefusedException;
import dev.kindling.core.serving.guard.UnknownVersionException;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.spring.StarterFixtures;
import dev.kindling.spring.classifier.Classifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.WebApplicationContext;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** In a user's own web app, the engine's errors are problem details with their HTTP meaning, unless switched off. */
class ProblemDetailsAdviceTest {

    @TempDir
    Path data;

    /** A controller as a user writes it: no error handling of its own. */
    @RestController
    static class UserController {
        private final Classifiers classifiers;

        UserController(Classifiers classifiers) {
            this.classifiers = classifiers;
        }

        @PostMapping("/{model}/classify")
        Object classify(@PathVariable String model, @RequestBody String text) {
            return classifiers.get(model).classify(text);
        }

        @PostMapping("/{model}/feedback/{label}")
        Object feedback(@PathVariable String model, @PathVariable String label, @RequestBody String text) {
            return classifiers.get(model).feedback(text, label).join().sequence();
        }

        @PostMapping("/mine")
        Object mine() {
            throw new IllegalArgumentException("the application's own error");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserApp {
        @Bean
        UserController userController(Classifiers classifiers) {
            return new UserController(classifiers);
        }
    }

    private org.springframework.boot.test.context.runner.WebApplicationContextRunner web() {
        return StarterFixtures.webRunner(data)
                .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
                        JacksonAutoConfiguration.class))
                .withUserConfiguration(UserApp.class)
                .withPropertyValues("kindling.models.topics.checkpoint=" + StarterFixtures.model(TrainingArgs.Loss.HSM),
                        "kindling.models.plain.checkpoint=" + StarterFixtures.model(TrainingArgs.Loss.SOFTMAX),
                        "kindling.models.plain.fine-tuning=false", "kindling.request-limits.max-text-chars=50");
    }

    @Test
    void theEnginesErrorsAreProblemDetailsWithTypes() {
        web().run(ctx -> {
            assertThat(ctx).hasSingleBean(KindlingProblemDetailsAdvice.class);
            MockMvc mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) ctx).build();
            mvc.perform(post("/nope/classify").content("rain")).andExpect(status().isNotFound())
                    .andExpect(jsonPath("$.type").value("urn:kindling:problem:unknown-model"));
            mvc.perform(post("/topics/classify").content("   ")).andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.type").value("urn:kindling:problem:invalid-input"))
                    .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("blank")));
            mvc.perform(post("/topics/feedback/bad\u0001label").content("some words")).andExpect(status().isBadRequest());
            mvc.perform(post("/topics/classify").content("x".repeat(60))).andExpect(status().isContentTooLarge())
                    .andExpect(jsonPath("$.type").value("urn:kindling:problem:payload-too-large"));
            mvc.perform(post("/plain/feedback/x").content("some words")).andExpect(status().isConflict())
                    .andExpect(jsonPath("$.type").value("urn:kindling:problem:fine-tuning-disabled"));
            mvc.perform(post("/topics/classify").content("rain snow")).andExpect(status().isOk());
            assertThat(ctx.getBean(Classifiers.class)).isNotNull();
        });
    }

    @Test
    void theApplicationsOwnIllegalArgumentExceptionsStayItsOwn() {
        web().run(ctx -> {
            MockMvc mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) ctx).build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> mvc.perform(post("/mine")))
                    .hasRootCauseInstanceOf(IllegalArgumentException.class);
        });
    }

    @Test
    void busyIsA429WithRetryAfter() throws Exception {
        var advice = new KindlingProblemDetailsAdvice();
        var r = advice.busy(new dev.kindling.core.serving.finetune.FineTuningBusyException("queue full", java.time.Duration.ofMillis(1500)));
        assertThat(r.getStatusCode().value()).isEqualTo(429);
        assertThat(r.getHeaders().getFirst("Retry-After")).isEqualTo("2");
        assertThat(r.getBody().getType().toString()).isEqualTo("urn:kindling:problem:fine-tuning-busy");
    }

    @Test
    void stoppedFineTuningIsA503WithRetryAfterAndOtherIllegalStatesStayTheApplicationsOwn() {
        var advice = new KindlingProblemDetailsAdvice();
        var r = advice.fineTuningStopped(new dev.kindling.core.serving.finetune.FineTuningStoppedException("fine-tuning of model 'm' is shut down"));
        assertThat(r.getStatusCode().value()).isEqualTo(503);
        assertThat(r.getHeaders().getFirst("Retry-After")).isEqualTo("5");
        assertThat(r.getBody().getType().toString()).isEqualTo("urn:kindling:problem:fine-tuning-stopped");
        assertThat(java.util.Arrays.stream(KindlingProblemDetailsAdvice.class.getDeclaredMethods())
                .map(m -> m.getAnnotation(org.springframework.web.bind.annotation.ExceptionHandler.class)).filter(java.util.Objects::nonNull)
                .flatMap(h -> java.util.Arrays.stream(h.value())).toList())
                .as("a plain IllegalStateException (a bug) is not mapped to a retryable 503").doesNotContain(IllegalStateException.class);
    }

    @Test
    void aLabelPolicyRefusalNamesItsRuleAndIsA429WithRetryAfterOnlyForRates() {
        var advice = new KindlingProblemDetailsAdvice();
        var listed = advice.labelRefused(new LabelRefusedException("topics", LabelRule.ALLOW_LIST, "casino", "not on the allow-list", null));
        assertThat(listed.getStatusCode().value()).isEqualTo(422);
        assertThat(listed.getHeaders().getFirst("Retry-After")).isNull();
        assertThat(listed.getBody().getType().toString()).isEqualTo("urn:kindling:problem:label-refused");
        assertThat(listed.getBody().getProperties()).containsEntry("rule", "allow-list").containsEntry("label", "casino")
                .containsEntry("model", "topics");
        var rate = advice.labelRefused(new LabelRefusedException("topics", LabelRule.NEW_LABELS_PER_HOUR, "spam", "100 new labels this hour",
                java.time.Duration.ofSeconds(90)));
        assertThat(rate.getStatusCode().value()).isEqualTo(429);
        assertThat(rate.getHeaders().getFirst("Retry-After")).isEqualTo("90");
        assertThat(rate.getBody().getProperties()).containsEntry("rule", "new-labels-per-hour");
        assertThat(advice.labelRefused(new LabelRefusedException("topics", LabelRule.NEW_LABELS_TOTAL, null, "full", null))
                .getStatusCode().value()).isEqualTo(422);
    }

    @Test
    void anUnknownVersionIs404AndARollbackThatCannotBeDoneIs409() {
        var advice = new KindlingProblemDetailsAdvice();
        var unknown = advice.unknownVersion(new UnknownVersionException("topics", 9, java.util.List.of(3L, 2L)));
        assertThat(unknown.getStatusCode().value()).isEqualTo(404);
        assertThat(unknown.getBody().getType().toString()).isEqualTo("urn:kindling:problem:unknown-version");
        var refused = advice.rollbackRefused(new RollbackRefusedException("the log starts at 120"));
        assertThat(refused.getStatusCode().value()).isEqualTo(409);
        assertThat(refused.getBody().getType().toString()).isEqualTo("urn:kindling:problem:rollback-refused");
    }

    @Test
    void onlyInAServletWebAppAndUnlessSwitchedOff() {
        web().withPropertyValues("kindling.problem-details.enabled=false").run(ctx ->
                assertThat(ctx).doesNotHaveBean(KindlingProblemDetailsAdvice.class));
        StarterFixtures.runner(data).run(ctx -> assertThat(ctx).doesNotHaveBean(KindlingProblemDetailsAdvice.class));
    }
}

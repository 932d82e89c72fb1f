package dev.kindling.core.serving.guard;

import dev.kindling.core.serving.model.LabelledExample;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every rule of the label policy refuses what it should, names itself, counts, and lets the rest through; time is a test clock. */
class LabelPolicyTest {

    private final AtomicLong now = new AtomicLong(Instant.parse("2026-01-05T10:00:00Z").toEpochMilli());
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
    /** The model's labels: learning one is adding it here. */
    private final Set<String> labels = new HashSet<>(Set.of("sport", "cooking"));

    private LabelPolicy policy(LabelPolicySettings settings) {
        return new LabelPolicy("m", settings, labels::contains, labels::size, 2, clock);
    }

    private static LabelPolicySettings open() {
        return LabelPolicySettings.unrestricted();
    }

    private void advance(Duration d) {
        now.addAndGet(d.toMillis());
    }

    @Test
    void aNewLabelOffTheAllowListIsRefusedNamingTheRuleWhileKnownAndListedLabelsPass() {
        LabelPolicy p = policy(open().withAllowed(Set.of("weather")));
        p.admitFeedback(List.of("sport"));   // the model's own labels are always allowed
        p.admitFeedback(List.of("weather"));
        assertThatThrownBy(() -> p.admitFeedback(List.of("cooking", "casino")))
                .isInstanceOfSatisfying(LabelRefusedException.class, e -> {
                    assertThat(e.rule()).isEqualTo(LabelRule.ALLOW_LIST);
                    assertThat(e.label()).isEqualTo("casino");
                    assertThat(e.retryAfter()).isNull();
                }).hasMessageContaining("'casino' is not on model 'm''s allow-list");
        assertThat(p.refusals(LabelRule.ALLOW_LIST)).isEqualTo(1);
    }

    @Test
    void aNewLabelNotMatchingThePatternIsRefused() {
        LabelPolicy p = policy(open().withPattern("[a-z]+\\.n\\d{8}"));
        p.admitFeedback(List.of("edible_fruit.n07721676".replace("_", "")));
        assertThatThrownBy(() -> p.admitFeedback(List.of("buy-now")))
                .isInstanceOfSatisfying(LabelRefusedException.class, e -> assertThat(e.rule()).isEqualTo(LabelRule.PATTERN))
                .hasMessageContaining("does not match model 'm''s label pattern");
        assertThat(p.refusals(LabelRule.PATTERN)).isEqualTo(1);
    }

    @Test
    void newLabelsBeyondTheHourlyCapAreRefusedUntilTheOldestIsAnHourOld() {
        LabelPolicy p = policy(open().withMaxNewLabelsPerHour(3));
        p.admitFeedback(List.of("a"));
        advance(Duration.ofMinutes(10));
        p.admitFeedback(List.of("b"));
        p.admitFeedback(List.of("c"));
        p.admitFeedback(List.of("a"));   // admitted already (not learned yet): not new again
        assertThatThrownBy(() -> p.admitFeedback(List.of("d")))
                .isInstanceOfSatisfying(LabelRefusedException.class, e -> {
                    assertThat(e.rule()).isEqualTo(LabelRule.NEW_LABELS_PER_HOUR);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(50));   // when "a" is an hour old
                }).hasMessageContaining("took 3 new labels in the last hour, at most 3").hasMessageContaining("retry in 3000 s");
        advance(Duration.ofMinutes(50));
        assertThat(p.admitFeedback(List.of("d")).newLabels()).containsExactly("d");
        assertThat(p.newLabelsLastHour()).isEqualTo(3);
    }

    @Test
    void labelsBeyondTheTotalCapAreRefusedForGood() {
        LabelPolicy p = policy(open().withMaxNewLabelsTotal(2));
        p.admitFeedback(List.of("a"));
        labels.add("a");   // learned
        p.admitFeedback(List.of("b"));   // admitted, not learned yet: it counts already
        assertThat(p.newLabelsTotal()).isEqualTo(2);
        labels.add("b");
        advance(Duration.ofDays(1));
        assertThatThrownBy(() -> p.admitFeedback(List.of("c")))
                .isInstanceOfSatisfying(LabelRefusedException.class, e -> {
                    assertThat(e.rule()).isEqualTo(LabelRule.NEW_LABELS_TOTAL);
                    assertThat(e.retryAfter()).isNull();
                }).hasMessageContaining("holds 2 labels beyond the 2 it started with, at most 2");
        p.admitFeedback(List.of("a", "sport"));   // known labels are not new
    }

    @Test
    void examplesOfOneLabelBeyondThePerMinuteCapAreRefusedUntilTheNextMinute() {
        LabelPolicy p = policy(open().withMaxExamplesPerLabelPerMinute(2));
        advance(Duration.ofSeconds(15));
        p.admitFeedback(List.of("sport"));
        p.admitFeedback(List.of("sport", "cooking"));
        p.admitFeedback(List.of("cooking"));
        assertThatThrownBy(() -> p.admitFeedback(List.of("cooking", "sport")))
                .isInstanceOfSatisfying(LabelRefusedException.class, e -> {
                    assertThat(e.rule()).isEqualTo(LabelRule.EXAMPLES_PER_LABEL_PER_MINUTE);
                    assertThat(e.label()).isEqualTo("cooking");
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(45));
                }).hasMessageContaining("got 2 feedback examples this minute");
        advance(Duration.ofSeconds(45));
        p.admitFeedback(List.of("cooking", "sport"));
    }

    @Test
    void aReleasedAdmissionGivesItsCountsBack() {
        LabelPolicy p = policy(open().withMaxNewLabelsPerHour(1).withMaxExamplesPerLabelPerMinute(1));
        p.admitFeedback(List.of("a")).release();   // e.g. the queue was full: nothing was logged
        p.admitFeedback(List.of("a"));
        assertThat(p.newLabelsLastHour()).isEqualTo(1);
    }

    @Test
    void aJobsLinesWithLabelsNotAllowedBecomeBadLinesAndItsOtherNewLabelsMustFitTheCaps() {
        LabelPolicy p = policy(open().withPattern("[a-z]+").withMaxNewLabelsPerHour(2).withMaxExamplesPerLabelPerMinute(1));
        List<LabelledExample> job = List.of(LabelledExample.of("t1", "sport"), LabelledExample.of("t2", "Casino!"),
                LabelledExample.of("t3", "weather"), LabelledExample.of("t4", "weather"), LabelledExample.of("t5", "sport"));
        JobScreening s = p.screenJob(job);
        assertThat(s.refused()).containsOnlyKeys(1);
        assertThat(s.refused().get(1)).contains("pattern");
        assertThat(s.newLabels()).containsExactly("weather");
        // Jobs are not counted per label per minute (sport twice above); their new labels count towards the caps.
        List<LabelledExample> big = List.of(LabelledExample.of("t", "x"), LabelledExample.of("t", "y"));
        assertThatThrownBy(() -> p.screenJob(big))
                .isInstanceOfSatisfying(LabelRefusedException.class, e -> {
                    assertThat(e.rule()).isEqualTo(LabelRule.NEW_LABELS_PER_HOUR);
                    assertThat(e.label()).isNull();
                }).hasMessageContaining("the job brings 2 new labels");
        assertThat(p.newLabelsLastHour()).as("a refused job admits nothing").isEqualTo(1);
    }
}

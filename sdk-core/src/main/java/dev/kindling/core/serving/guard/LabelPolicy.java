package dev.kindling.core.serving.guard;

import dev.kindling.core.serving.model.LabelledExample;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One model's label policy ({@link LabelPolicySettings}), checked before anything is logged: feedback is refused whole
 * with a {@link LabelRefusedException} naming the rule; a job's examples whose labels are not allowed become bad lines,
 * and a job that brings more new labels than the caps leave is refused whole (an operator would rather know than have an
 * arbitrary part of it learned). Labels admitted but not yet learned count as new labels already, so concurrent requests
 * cannot each slip under a cap. Refusals are counted per rule. Thread-safe.
 */
public final class LabelPolicy {

    private static final long HOUR_MILLIS = Duration.ofHours(1).toMillis();
    private static final long MINUTE_MILLIS = Duration.ofMinutes(1).toMillis();

    private final String model;
    private final LabelPolicySettings settings;
    private final Pattern pattern;
    private final Predicate<String> known;
    private final IntSupplier labelCount;
    private final int baseline;
    private final InstantSource clock;
    /** New labels admitted and maybe not learned yet, with when (dropped once learned, or after an hour: never learned). */
    private final Map<String, Long> pendingNew = new LinkedHashMap<>();
    /** When each new label of the last hour was admitted, oldest first. */
    private final ArrayDeque<Long> newLabelTimes = new ArrayDeque<>();
    private long minute = Long.MIN_VALUE;
    private final Map<String, Integer> examplesThisMinute = new HashMap<>();
    private final Map<LabelRule, AtomicLong> refusals = new EnumMap<>(LabelRule.class);

    /**
     * @param known      whether the model has a label (without its prefix)
     * @param labelCount how many labels the model has
     * @param baseline   how many labels it had when guardrails first saw it (the new-labels-total cap counts from there)
     */
    public LabelPolicy(String model, LabelPolicySettings settings, Predicate<String> known, IntSupplier labelCount, int baseline,
                       InstantSource clock) {
        this.model = model;
        this.settings = settings;
        this.pattern = settings.pattern() == null ? null : Pattern.compile(settings.pattern());
        this.known = known;
        this.labelCount = labelCount;
        this.baseline = baseline;
        this.clock = clock;
        for (LabelRule r : LabelRule.values()) {
            refusals.put(r, new AtomicLong());
        }
    }

    public LabelPolicySettings settings() {
        return settings;
    }

    /** Refusals so far (since start) by the rule that refused. */
    public Map<LabelRule, Long> refusals() {
        Map<LabelRule, Long> out = new EnumMap<>(LabelRule.class);
        refusals.forEach((r, n) -> out.put(r, n.get()));
        return out;
    }

    public long refusals(LabelRule rule) {
        return refusals.get(rule).get();
    }

    /** New labels admitted in the last hour. */
    public synchronized int newLabelsLastHour() {
        expire(clock.millis());
        return newLabelTimes.size();
    }

    /** Labels beyond the baseline: those the model learned plus those admitted and not learned yet. */
    public synchronized int newLabelsTotal() {
        expire(clock.millis());
        return Math.max(0, labelCount.getAsInt() - baseline) + pendingNew.size();
    }

    /** The label count the new-labels-total cap counts from. */
    public int baseline() {
        return baseline;
    }

    /**
     * Checks one feedback example's labels against every rule and counts them, or refuses the whole example.
     *
     * @throws LabelRefusedException naming the first rule a label breaks
     */
    public synchronized LabelAdmission admitFeedback(List<String> labels) {
        long now = clock.millis();
        expire(now);
        List<String> fresh = new ArrayList<>();
        for (String l : new LinkedHashSet<>(labels)) {
            if (isNew(l)) {
                String why = notAllowed(l);
                if (why != null) {
                    throw refuse(allowRule(), l, why, null);
                }
                fresh.add(l);
            }
        }
        checkNewLabelCaps(fresh.size(), fresh.isEmpty() ? null : fresh.getFirst(), now, "label '" + (fresh.isEmpty() ? "" : fresh.getFirst()) + "' is new");
        int cap = settings.maxExamplesPerLabelPerMinute();
        List<String> counted = new ArrayList<>(new LinkedHashSet<>(labels));
        if (cap != LabelPolicySettings.UNLIMITED) {
            rollMinute(now);
            for (String l : counted) {
                if (examplesThisMinute.getOrDefault(l, 0) >= cap) {
                    long wait = MINUTE_MILLIS - now % MINUTE_MILLIS;
                    throw refuse(LabelRule.EXAMPLES_PER_LABEL_PER_MINUTE, l, "label '" + l + "' got " + cap + " feedback examples this"
                            + " minute, the most model '" + model + "' takes per label (max-examples-per-label-per-minute=" + cap
                            + "); retry in " + seconds(wait) + " s", Duration.ofMillis(wait));
                }
            }
            counted.forEach(l -> examplesThisMinute.merge(l, 1, Integer::sum));
        } else {
            counted = List.of();
        }
        return commit(fresh, counted, now);
    }

    /**
     * Screens a job's examples: those with a label the allow-list or pattern refuses become bad lines; the new labels of
     * the rest are admitted together if the caps allow them all.
     *
     * @throws LabelRefusedException when the job's new labels exceed what the new-label caps leave (nothing is admitted)
     */
    public synchronized JobScreening screenJob(List<LabelledExample> examples) {
        long now = clock.millis();
        expire(now);
        Map<Integer, String> refused = new HashMap<>();
        Set<String> fresh = new LinkedHashSet<>();
        for (int i = 0; i < examples.size(); i++) {
            Set<String> mine = new LinkedHashSet<>();
            for (String l : examples.get(i).labels()) {
                if (isNew(l)) {
                    String why = notAllowed(l);
                    if (why != null) {
                        refused.put(i, "refused by the label policy (" + allowRule().id() + "): " + why);
                        refusals.get(allowRule()).incrementAndGet();
                        mine = null;
                        break;
                    }
                    mine.add(l);
                }
            }
            if (mine != null) {
                fresh.addAll(mine);
            }
        }
        checkNewLabelCaps(fresh.size(), null, now, "the job brings " + fresh.size() + " new labels");
        return new JobScreening(refused, commit(new ArrayList<>(fresh), List.of(), now));
    }

    private boolean isNew(String label) {
        return !known.test(label) && !pendingNew.containsKey(label);
    }

    private LabelRule allowRule() {
        return settings.allowed().isEmpty() ? LabelRule.PATTERN : LabelRule.ALLOW_LIST;
    }

    /** Why a new label is not allowed, or null when it is. */
    private String notAllowed(String label) {
        boolean listed = settings.allowed().contains(label);
        boolean matches = pattern != null && pattern.matcher(label).matches();
        if (settings.allowed().isEmpty() && pattern == null || listed || matches) {
            return null;
        }
        if (settings.allowed().isEmpty()) {
            return "new label '" + label + "' does not match model '" + model + "''s label pattern " + pattern.pattern();
        }
        return "new label '" + label + "' is not on model '" + model + "''s allow-list of " + settings.allowed().size() + " labels"
                + (pattern == null ? "" : " and does not match its pattern " + pattern.pattern());
    }

    private void checkNewLabelCaps(int adding, String label, long now, String what) {
        if (adding == 0) {
            return;
        }
        int perHour = settings.maxNewLabelsPerHour();
        if (perHour != LabelPolicySettings.UNLIMITED && newLabelTimes.size() + adding > perHour) {
            // Room for `adding` once enough of the oldest admissions are an hour old.
            int mustExpire = newLabelTimes.size() + adding - perHour;
            long wait = mustExpire > newLabelTimes.size() ? -1 : newLabelTimes.stream().skip(mustExpire - 1).findFirst().orElse(now) + HOUR_MILLIS - now;
            String retry = wait < 0 ? "; more than the cap in one request, never accepted" : "; retry in " + seconds(wait) + " s";
            throw refuse(LabelRule.NEW_LABELS_PER_HOUR, label, what + " and model '" + model + "' took " + newLabelTimes.size()
                    + " new labels in the last hour, at most " + perHour + " (max-new-labels-per-hour)" + retry,
                    wait < 0 ? null : Duration.ofMillis(Math.max(1, wait)));
        }
        int total = settings.maxNewLabelsTotal();
        int held = Math.max(0, labelCount.getAsInt() - baseline) + pendingNew.size();
        if (total != LabelPolicySettings.UNLIMITED && held + adding > total) {
            throw refuse(LabelRule.NEW_LABELS_TOTAL, label, what + " and model '" + model + "' holds " + held + " labels beyond the "
                    + baseline + " it started with, at most " + total + " (max-new-labels-total)", null);
        }
    }

    private LabelAdmission commit(List<String> fresh, List<String> counted, long now) {
        boolean capsNewLabels = settings.maxNewLabelsPerHour() != LabelPolicySettings.UNLIMITED
                || settings.maxNewLabelsTotal() != LabelPolicySettings.UNLIMITED;
        if (!capsNewLabels) {
            fresh = List.of();   // nothing to count them against
        }
        if (fresh.isEmpty() && counted.isEmpty()) {
            return LabelAdmission.NONE;
        }
        for (String l : fresh) {
            pendingNew.put(l, now);
            newLabelTimes.addLast(now);
        }
        return new LabelAdmission(this, fresh, counted, now, now / MINUTE_MILLIS);
    }

    synchronized void release(LabelAdmission a) {
        for (String l : a.newLabels) {
            pendingNew.remove(l);
            newLabelTimes.removeLastOccurrence(a.admittedAtMillis);
        }
        if (a.minute == minute) {
            for (String l : a.counted) {
                examplesThisMinute.computeIfPresent(l, (k, n) -> n > 1 ? n - 1 : null);
            }
        }
    }

    private LabelRefusedException refuse(LabelRule rule, String label, String message, Duration retryAfter) {
        refusals.get(rule).incrementAndGet();
        return new LabelRefusedException(model, rule, label, message, retryAfter);
    }

    private void expire(long now) {
        while (!newLabelTimes.isEmpty() && newLabelTimes.peekFirst() <= now - HOUR_MILLIS) {
            newLabelTimes.pollFirst();
        }
        for (Iterator<Map.Entry<String, Long>> it = pendingNew.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> e = it.next();
            // Learned: counted by the model's label count now. An hour old and still not learned: it never will be (set aside).
            if (known.test(e.getKey()) || e.getValue() <= now - HOUR_MILLIS) {
                it.remove();
            }
        }
    }

    private void rollMinute(long now) {
        long m = now / MINUTE_MILLIS;
        if (m != minute) {
            minute = m;
            examplesThisMinute.clear();
        }
    }

    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }
}

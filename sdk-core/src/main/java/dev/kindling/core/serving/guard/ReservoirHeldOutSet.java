package dev.kindling.core.serving.guard;

import dev.kindling.core.io.AtomicFiles;
import dev.kindling.core.serving.model.LabelledExample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A held-out set sampled from served traffic: a uniform sample (Algorithm R) of every example whose round was promoted,
 * kept in {@code held-out-reservoir.txt}. The sampling decision for an example is taken when it is trained; it takes effect
 * only once its round was promoted and then a version was kept, so a held-back interval never enters the set it is judged
 * on, and the set stays the same between kept versions. The examples were also trained: the gate measures whether a version
 * forgets what earlier served versions were taught (what a flood of bad feedback does), not how it generalizes; configure
 * a file for that.
 */
public final class ReservoirHeldOutSet implements HeldOutSet {

    private static final String HEADER = "kindling held-out reservoir v1";
    /** A decision that leaves the example out (it still counts as seen). */
    private static final int NOWHERE = -1;

    /**
     * Where an offered example goes: a slot of the set (an index at or past its end appends), or nowhere (then the example
     * itself is not kept: most decisions of a long job are "nowhere", and they wait for the next kept version).
     */
    private record Decision(HeldOutExample example, long sequence, int slot) {

        static Decision of(HeldOutExample example, int slot) {
            return new Decision(slot == NOWHERE ? null : example, example.sequence(), slot);
        }
    }

    private final Path file;
    private final int capacity;
    private final SplittableRandom random;
    private final List<HeldOutExample> kept = new ArrayList<>();
    private long seen;
    private long generation;
    /** Decisions not committed yet, in the order the examples were trained; the first {@link #promotedDecisions} were served. */
    private final List<Decision> pending = new ArrayList<>();
    private int promotedDecisions;
    /**
     * How many pending decisions lie at or past the end of {@link #kept} (appends): kept as a count, since a long job can
     * leave tens of thousands of decisions pending until the next kept version and counting them per offer was quadratic.
     */
    private long pendingAppends;

    private ReservoirHeldOutSet(Path file, int capacity, long seed) {
        this.file = file;
        this.capacity = capacity;
        this.random = new SplittableRandom(seed);
    }

    /** Opens the reservoir stored in {@code file} (empty when there is none). */
    public static ReservoirHeldOutSet open(Path file, int capacity, long seed) throws IOException {
        ReservoirHeldOutSet r = new ReservoirHeldOutSet(file, capacity, seed);
        if (Files.exists(file)) {
            r.load();
        }
        return r;
    }

    private void load() throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.size() < 2 || !lines.get(0).equals(HEADER) || !lines.get(1).startsWith("seen=")) {
            throw new IOException(file + " is not a held-out reservoir (expected '" + HEADER + "' and 'seen=<n>' first); delete it to"
                    + " start a new reservoir");
        }
        seen = Long.parseLong(lines.get(1).substring(5).trim());
        for (String line : lines.subList(2, lines.size())) {
            String[] f = line.split("\t", 3);
            if (f.length != 3) {
                throw new IOException(file + " has a malformed line (expected <sequence> TAB <labels> TAB <text>): " + line);
            }
            kept.add(new HeldOutExample(new LabelledExample(unescape(f[2]), Arrays.asList(f[1].split(" "))), Long.parseLong(f[0])));
        }
        while (kept.size() > capacity) {
            kept.removeLast();   // the capacity was lowered
        }
    }

    @Override
    public synchronized List<HeldOutExample> examples() {
        return List.copyOf(kept);
    }

    @Override
    public synchronized int size() {
        return kept.size();
    }

    @Override
    public synchronized long generation() {
        return generation;
    }

    @Override
    public synchronized void offer(HeldOutExample example) {
        long n = seen + pending.size() + 1;
        if (kept.size() + pendingAppends < capacity) {
            decide(Decision.of(example, (int) (kept.size() + pendingAppends)));
            return;
        }
        long slot = random.nextLong(n);
        decide(Decision.of(example, slot < capacity ? (int) slot : NOWHERE));
    }

    private void decide(Decision d) {
        pending.add(d);
        if (d.slot() >= kept.size()) {
            pendingAppends++;
        }
    }

    /** Recounts {@link #pendingAppends} after {@link #kept} or {@link #pending} changed other than by one offer. */
    private void recountAppends() {
        pendingAppends = pending.stream().filter(d -> d.slot() >= kept.size()).count();
    }

    @Override
    public synchronized void promoted() {
        promotedDecisions = pending.size();
    }

    @Override
    public synchronized void commit() throws IOException {
        if (promotedDecisions == 0) {
            return;
        }
        for (Decision d : pending.subList(0, promotedDecisions)) {
            if (d.slot() == NOWHERE) {
                continue;
            }
            if (d.slot() < kept.size()) {
                kept.set(d.slot(), d.example());
            } else {
                kept.add(d.example());
            }
        }
        seen += promotedDecisions;
        pending.subList(0, promotedDecisions).clear();
        // Appends still waiting were numbered after the examples just added: they stay appends.
        promotedDecisions = 0;
        recountAppends();
        generation++;
        store();
    }

    @Override
    public synchronized void discardUnpromoted() {
        pending.subList(promotedDecisions, pending.size()).clear();
        recountAppends();
    }

    @Override
    public synchronized void dropAfter(long sequence) throws IOException {
        discardUnpromoted();
        pending.removeIf(d -> d.sequence() > sequence);
        promotedDecisions = pending.size();
        if (kept.removeIf(h -> h.sequence() > sequence)) {
            // Slots decided against the old layout may now lie past its end: they append instead.
            generation++;
            store();
        }
        recountAppends();
    }

    @Override
    public synchronized String describe() {
        return "reservoir of served examples (" + kept.size() + " of at most " + capacity + ", sampled from " + seen + ")";
    }
    private void store() throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n').append("seen=").append(seen).append('\n');
        for (HeldOutExample h : kept) {
            sb.append(h.sequence()).append('\t').append(String.join(" ", h.example().labels())).append('\t')
                    .append(escape(h.example().text())).append('\n');
        }
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                out.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}

package dev.kindling.core.serving.guard;

import java.io.IOException;
import java.util.List;

/**
 * The examples a validation gate scores each new version on. A reservoir takes examples only from rounds that were
 * promoted: what a version learned is never part of the set it is judged on, and a held-back interval never enters it.
 */
public interface HeldOutSet {

    /** The examples now (a snapshot). */
    List<HeldOutExample> examples();

    int size();

    /** Changes whenever the set does (a cached score of the served version is stale then). */
    long generation();

    /** An example just trained; it may join the set once its round is promoted ({@link #promoted}) and then kept ({@link #commit}). */
    void offer(HeldOutExample example);

    /** Every example offered so far was promoted (served): it may join the set at the next {@link #commit}. */
    void promoted();

    /**
     * A version was kept: promoted examples join the set (which is stored). The set changes only here, so that it stays the
     * same between kept versions and a slow slide of small drops is measured against one reference.
     */
    void commit() throws IOException;

    /** Offered examples not promoted will not be served (a rollback replaced the model): forget them. */
    void discardUnpromoted();

    /** A rollback discarded what was logged after {@code sequence}: examples trained after it leave the set (and waiting ones). */
    void dropAfter(long sequence) throws IOException;

    /** Where the set comes from, for health and logs. */
    String describe();
}

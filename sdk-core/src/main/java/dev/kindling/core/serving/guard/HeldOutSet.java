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

    /** An example just trained; it may join the set once its round is promoted ({@link #commitPending}). */
    void offer(HeldOutExample example);

    /** The offered examples' rounds were promoted: they may join the set (and the set is stored). */
    void commitPending() throws IOException;

    /** The offered examples will not be served (a rollback discarded them): forget them. */
    void discardPending();

    /** A rollback discarded what was logged after {@code sequence}: examples trained after it leave the set. */
    void dropAfter(long sequence) throws IOException;

    /** Where the set comes from, for health and logs. */
    String describe();
}

package dev.kindling.spring.model;

import dev.kindling.core.serving.ServingEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stops the serving engine in Spring's shutdown sequence: after the web server has stopped taking requests (a lower
 * phase stops later), asynchronously within {@code spring.lifecycle.timeout-per-shutdown-phase}; the engine's own
 * shutdown timeout comes from that property too (unless {@code kindling.fine-tuning.shutdown-timeout} is set). A context
 * that fails before it starts closes the engine when its beans are destroyed.
 */
public final class ServingEngineLifecycle implements SmartLifecycle, DisposableBean {

    /** Below the web server's phases ({@code DEFAULT_PHASE - 1024} and {@code - 2048}): the engine stops after them. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Logger log = LoggerFactory.getLogger(ServingEngineLifecycle.class);

    private final ServingEngine engine;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean running;

    public ServingEngineLifecycle(ServingEngine engine) {
        this.engine = engine;
    }

    /** The engine started when its bean was created (models loaded, logs replayed); this marks it running for Spring. */
    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public void stop(Runnable callback) {
        Thread.ofPlatform().name("kindling-shutdown").start(() -> {
            try {
                close();
            } finally {
                callback.run();
            }
        });
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Not paused with a cached test context (Spring 7 stops the pauseable beans of an idle context and starts them again
     * when a test reuses it): closing releases the engine's logs, lock and threads, and {@link #start} cannot bring them
     * back, so a resumed context answered every feedback with "fine-tuning is shut down".
     */
    @Override
    public boolean isPauseable() {
        return false;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public void destroy() {
        close();
    }

    private void close() {
        running = false;
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            engine.close();
        } catch (IOException | RuntimeException e) {
            log.error("The Kindling serving engine did not close cleanly (accepted examples stay in the write-ahead log and are"
                    + " applied at the next start)", e);
        }
    }
}

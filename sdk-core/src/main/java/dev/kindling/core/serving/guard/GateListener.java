package dev.kindling.core.serving.guard;

/** Told when a validation gate stops or resumes promoting (the Spring starter publishes these as application events). */
@FunctionalInterface
public interface GateListener {

    void gateChanged(GateEvent event);
}

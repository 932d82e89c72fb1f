package dev.kindling.spring.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad {@code kindling.*} property into Spring Boot's start-up report: what is wrong, and the action to take. */
public class KindlingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidKindlingPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidKindlingPropertyException cause) {
        String description = "Kindling could not use the property '" + cause.property() + "':\n\n"
                + "    Property: " + cause.property() + "\n"
                + (cause.value() != null ? "    Value: " + cause.value() + "\n" : "")
                + "    Reason: " + cause.problem();
        return new FailureAnalysis(description, cause.action(), cause);
    }
}

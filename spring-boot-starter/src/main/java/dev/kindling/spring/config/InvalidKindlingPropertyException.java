package dev.kindling.spring.config;

/**
 * A {@code kindling.*} property that cannot work: unknown (a typo), or a value the engine refuses. Carries what
 * {@link KindlingFailureAnalyzer} prints under "APPLICATION FAILED TO START": the property, its value and where it
 * was set, what is wrong, and what to do instead.
 */
public class InvalidKindlingPropertyException extends IllegalArgumentException {

    private final String property;
    private final Object value;
    private final String problem;
    private final String action;

    /**
     * @param property the full property name, e.g. {@code kindling.models.products.k}
     * @param value    its value (and origin, where known), or null
     * @param problem  what is wrong with it
     * @param action   what to do instead (one or two sentences)
     */
    public InvalidKindlingPropertyException(String property, Object value, String problem, String action) {
        super(property + (value != null ? " = " + value : "") + ": " + problem + ". " + action);
        this.property = property;
        this.value = value;
        this.problem = problem;
        this.action = action;
    }

    public String property() {
        return property;
    }

    public Object value() {
        return value;
    }

    public String problem() {
        return problem;
    }

    public String action() {
        return action;
    }
}

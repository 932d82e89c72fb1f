package dev.kindling.core.serving.guard;

import java.util.List;
import java.util.Map;

/**
 * A job's examples after the label policy: the indexes of examples refused by the allow-list or pattern (each becomes a
 * bad line with the reason) and the admission of the new labels the rest brings.
 *
 * @param refused   example index to the reason it was refused
 * @param admission the new labels admitted for the job (release it when the job is not stored)
 */
public record JobScreening(Map<Integer, String> refused, LabelAdmission admission) {

    public JobScreening {
        refused = Map.copyOf(refused);
    }

    /** The labels the accepted examples bring that the model did not have. */
    public List<String> newLabels() {
        return admission.newLabels();
    }
}

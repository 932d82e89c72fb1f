package dev.kindling.core.serving.guard;

/**
 * A model's guardrails: which labels it may be taught, the validation gate in front of serving, how many versions are
 * kept for rollback, and whether changes are audited.
 *
 * @param labels       the label policy
 * @param gate         the validation gate
 * @param versionsKept how many served versions are kept on disk; the log is kept back to the oldest. 0 keeps none: no
 *                     rollback, and a restart serves the model as loaded
 * @param audit        whether feedback, jobs and rollbacks are written to the model's audit trail
 */
public record GuardSettings(LabelPolicySettings labels, GateSettings gate, int versionsKept, boolean audit) {

    public GuardSettings {
        if (labels == null || gate == null) {
            throw new IllegalArgumentException("guardrails need a label policy and gate settings");
        }
        if (versionsKept < 0) {
            throw new IllegalArgumentException("guardrails versions-kept must be 0 (none: no rollback) or more, got " + versionsKept);
        }
    }

    /** Everything on: the default label policy and gate, 5 versions kept, an audit trail. */
    public static GuardSettings defaults() {
        return new GuardSettings(LabelPolicySettings.defaults(), GateSettings.defaults(), 5, true);
    }

    /** No label rules, no gate, no kept versions, no audit trail: Kindling before guardrails. */
    public static GuardSettings minimal() {
        return new GuardSettings(LabelPolicySettings.unrestricted(), GateSettings.off(), 0, false);
    }

    public GuardSettings withLabels(LabelPolicySettings v) {
        return new GuardSettings(v, gate, versionsKept, audit);
    }

    public GuardSettings withGate(GateSettings v) {
        return new GuardSettings(labels, v, versionsKept, audit);
    }

    public GuardSettings withVersionsKept(int v) {
        return new GuardSettings(labels, gate, v, audit);
    }

    public GuardSettings withAudit(boolean v) {
        return new GuardSettings(labels, gate, versionsKept, v);
    }
}

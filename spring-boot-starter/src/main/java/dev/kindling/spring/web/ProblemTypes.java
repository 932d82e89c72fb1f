package dev.kindling.spring.web;

import java.net.URI;

/**
 * The {@code type} URIs of Kindling's problem details (RFC 9457): stable names a client can switch on. They are URNs
 * (identifiers, not pages), so nothing has to be served at them.
 */
public final class ProblemTypes {

    public static final URI UNKNOWN_MODEL = of("unknown-model");
    public static final URI UNKNOWN_JOB = of("unknown-job");
    public static final URI INVALID_INPUT = of("invalid-input");
    public static final URI PAYLOAD_TOO_LARGE = of("payload-too-large");
    public static final URI FINE_TUNING_DISABLED = of("fine-tuning-disabled");
    public static final URI FINE_TUNING_BUSY = of("fine-tuning-busy");
    public static final URI FINE_TUNING_STOPPED = of("fine-tuning-stopped");
    public static final URI DEVICES_BUSY = of("devices-busy");
    public static final URI NO_DEVICE = of("no-device");
    public static final URI UPDATE_LOG_UNAVAILABLE = of("update-log-unavailable");
    /** A label policy refused feedback or a job; the problem's {@code rule} property names the rule. */
    public static final URI LABEL_REFUSED = of("label-refused");
    public static final URI UNKNOWN_VERSION = of("unknown-version");
    public static final URI ROLLBACK_REFUSED = of("rollback-refused");
    public static final URI GUARDRAIL_OFF = of("guardrail-off");
    public static final URI INSUFFICIENT_STORAGE = of("insufficient-storage");
    public static final URI STORAGE_UNAVAILABLE = of("storage-unavailable");

    private ProblemTypes() {
    }

    private static URI of(String name) {
        return URI.create("urn:kindling:problem:" + name);
    }
}

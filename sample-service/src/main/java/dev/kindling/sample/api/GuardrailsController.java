package dev.kindling.sample.api;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.guard.AuditAction;
import dev.kindling.core.serving.guard.AuditQuery;
import dev.kindling.core.serving.guard.LogAfterRollback;
import dev.kindling.core.serving.guard.RollbackResult;
import dev.kindling.core.serving.model.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * A model's guardrails for operators: the versions kept for rollback, a rollback to one of them (the log after it replayed
 * or discarded, as the request says), and the audit trail of who changed the model. Rollback and audit need the API key.
 */
@RestController
@RequestMapping("/v1/models/{model}")
public class GuardrailsController {

    private final ServingEngine engine;

    public GuardrailsController(ServingEngine engine) {
        this.engine = engine;
    }

    @GetMapping("/versions")
    public List<ApiDtos.VersionInfo> versions(@PathVariable String model) {
        long served = engine.model(model).servingVersion();
        return engine.versions(model).stream().map(v -> ApiDtos.VersionInfo.of(v, v.version() == served)).toList();
    }

    @PostMapping(path = "/versions/{version}/rollback", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ApiDtos.RollbackResponse rollback(@PathVariable String model, @PathVariable long version, @RequestBody ApiDtos.RollbackRequest body,
                                             HttpServletRequest request) throws IOException {
        LogAfterRollback choice = choice(body.log());
        RollbackResult r = engine.rollback(model, version, choice, CallerOrigin.of(request));
        return new ApiDtos.RollbackResponse(model, r.restoredVersion(), r.servedVersion(), r.choice().name().toLowerCase(Locale.ROOT), r.records(),
                r.digest());
    }

    @GetMapping("/audit")
    public List<ApiDtos.AuditEntry> audit(@PathVariable String model, @RequestParam(required = false) String action,
                                          @RequestParam(required = false) String keyId, @RequestParam(required = false) String since,
                                          @RequestParam(required = false) String until, @RequestParam(defaultValue = "100") int limit)
            throws IOException {
        AuditQuery query;
        try {
            query = new AuditQuery(instant("since", since), instant("until", until), action == null ? null : AuditAction.of(action), keyId, limit);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        return engine.audit(model, query).stream().map(ApiDtos.AuditEntry::of).toList();
    }

    private static LogAfterRollback choice(String log) {
        if (log == null) {
            throw new InvalidInputException("say what happens to the log after the version: {\"log\": \"replay\"} (learn it again on top of"
                    + " the restored version) or {\"log\": \"discard\"} (leave it out)");
        }
        return switch (log.toLowerCase(Locale.ROOT)) {
            case "replay" -> LogAfterRollback.REPLAY;
            case "discard" -> LogAfterRollback.DISCARD;
            default -> throw new InvalidInputException("\"log\" is '" + log + "'; expected \"replay\" or \"discard\"");
        };
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + name + "' is '" + value + "'; expected an ISO-8601 instant such as 2026-01-05T10:00:00Z");
        }
    }
}

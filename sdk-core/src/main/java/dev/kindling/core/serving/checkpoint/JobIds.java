package dev.kindling.core.serving.checkpoint;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Job ids are lower-case UUIDs. They name directories and appear in checkpoint metadata, so anything
 * else read from disk or a request is refused rather than used as a path or a key.
 */
public final class JobIds {

    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private JobIds() {
    }

    public static String next() {
        return UUID.randomUUID().toString();
    }

    public static boolean isValid(String id) {
        return id != null && UUID_FORM.matcher(id).matches();
    }
}

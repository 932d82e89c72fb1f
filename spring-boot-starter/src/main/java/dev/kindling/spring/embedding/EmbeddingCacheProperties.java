package dev.kindling.spring.embedding;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/** {@code kindling.embedding-cache.*}: the Caffeine cache of hot embedding rows. */
@ConfigurationProperties("kindling.embedding-cache")
public class EmbeddingCacheProperties {

    /** Whether embedding rows are served through a cache. */
    private boolean enabled = true;

    /** Largest number of rows kept per table. */
    private long maximumSize = 200_000;

    /** Drop rows not read for this long (unset: keep until evicted by size). */
    private Duration expireAfterAccess;

    /** A Caffeine specification (e.g. "maximumSize=50000,expireAfterAccess=10m") that replaces the two settings above. */
    private String spec;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public long getMaximumSize() {
        return maximumSize;
    }

    public void setMaximumSize(long maximumSize) {
        this.maximumSize = maximumSize;
    }

    public Duration getExpireAfterAccess() {
        return expireAfterAccess;
    }

    public void setExpireAfterAccess(Duration expireAfterAccess) {
        this.expireAfterAccess = expireAfterAccess;
    }

    public String getSpec() {
        return spec;
    }

    public void setSpec(String spec) {
        this.spec = spec;
    }
}

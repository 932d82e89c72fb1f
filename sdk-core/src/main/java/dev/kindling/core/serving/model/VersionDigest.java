package dev.kindling.core.serving.model;

import dev.kindling.core.text.ModelDigest;

/**
 * A model's parameter digest at one version: what a replica reports (models endpoint, health) and what a fleet's
 * trainer publishes with its versions, so that replicas compare parameters, not just version numbers.
 *
 * @param version         the model version the digest was taken at
 * @param appliedSequence the last log sequence that version holds
 * @param digest          the parameters' checksums
 */
public record VersionDigest(long version, long appliedSequence, ModelDigest digest) {
}

package dev.kindling.spring.model;

import dev.kindling.core.io.AtomicFiles;
import dev.kindling.spring.config.InvalidKindlingPropertyException;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ResourceUtils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Turns {@code kindling.models.<name>.checkpoint} into the file the engine loads. A plain path stays a path (the
 * model may not exist yet: an initializer writes it). A resource location ({@code classpath:}, {@code file:},
 * {@code https:}, …) that is a file is used in place; one that is not (inside a jar, on a web server) is copied to
 * {@code <data directory>/<model>/configured/<file name>} at every start, so the engine always reads a local file
 * and provenance hashes what was fetched.
 */
final class ModelFiles {

    private final ResourceLoader resources;
    private final Path dataDirectory;

    ModelFiles(ResourceLoader resources, Path dataDirectory) {
        this.resources = resources;
        this.dataDirectory = dataDirectory;
    }

    /** The local file of model {@code model}'s checkpoint {@code location}, or null when no location is set. */
    Path resolve(String model, String location) {
        return resolve(model, "checkpoint", location);
    }

    /**
     * The local file of {@code location}, set by {@code kindling.models.<model>.<property>} (named in errors), or null
     * when no location is set.
     */
    Path resolve(String model, String property, String location) {
        if (location == null || location.isBlank()) {
            return null;
        }
        if (!isResourceLocation(location)) {
            return Path.of(location);
        }
        String key = "kindling.models." + model + "." + property;
        Resource resource = resources.getResource(location);
        try {
            if (resource.isFile()) {
                return resource.getFile().toPath();
            }
            if (!resource.exists()) {
                throw new InvalidKindlingPropertyException(key, location, "no resource exists at that location",
                        "Point it at an existing model file: a path, or a classpath:, file: or https: location.");
            }
            return copy(model, property, resource);
        } catch (IOException e) {
            throw new InvalidKindlingPropertyException(key, location, "the file could not be read from there: " + e.getMessage(),
                    "Check that the location can be read from this machine, or copy the file here and give its path.");
        }
    }

    /**
     * Copies to {@code <data>/<model>/configured/<file name>} (a checkpoint) or {@code configured/<last part of the property>/}
     * (e.g. {@code held-out/}): a checkpoint and a held-out file never overwrite each other.
     */
    private Path copy(String model, String property, Resource resource) throws IOException {
        String fileName = resource.getFilename() == null || resource.getFilename().isBlank() ? "model.bin" : resource.getFilename();
        Path dir = dataDirectory.resolve(model).resolve("configured");
        if (!property.equals("checkpoint")) {
            dir = dir.resolve(property.substring(property.lastIndexOf('.') + 1));
        }
        Path target = dir.resolve(fileName);
        AtomicFiles.replace(target, ch -> {
            try (InputStream in = resource.getInputStream()) {
                in.transferTo(java.nio.channels.Channels.newOutputStream(ch));
            }
        });
        return target;
    }

    /** A URL or classpath: location, as opposed to a plain file path (which Spring would resolve against the class path). */
    static boolean isResourceLocation(String location) {
        int colon = location.indexOf(':');
        return colon > 1 && (location.startsWith(ResourceUtils.CLASSPATH_URL_PREFIX) || ResourceUtils.isUrl(location));
    }
}

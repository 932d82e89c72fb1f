package dev.kindling.cuda.bindings;

import dev.kindling.cuda.CudaException;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Finds a CUDA library to bind with {@code java.lang.foreign}: each soname first through the loader's
 * search path, then in {@code $CUDA_HOME/lib64} and the usual toolkit folders, newest version first, so
 * CUDA 12 and 13 machines both work. The first candidate that opens and binds wins.
 */
final class CudaLibraryProbe {

    private static final List<String> DIRS = List.of("/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib",
            "/usr/lib/x86_64-linux-gnu");

    private CudaLibraryProbe() {
    }

    /**
     * {@code bind(candidate, lookup)} for the first candidate of {@code sonames} that opens and binds; fails with
     * every name and folder tried.
     */
    static <T> T load(String what, List<String> sonames, BiFunction<String, SymbolLookup, T> bind) {
        List<String> tried = new ArrayList<>();
        for (String candidate : candidates(sonames)) {
            try {
                return bind.apply(candidate, SymbolLookup.libraryLookup(candidate, Arena.global()));
            } catch (IllegalArgumentException | CudaException e) {
                tried.add(candidate);
            }
        }
        throw new CudaException(what + " not found (tried " + String.join(", ", tried) + "); install the CUDA toolkit's "
                + what + " or put it on LD_LIBRARY_PATH");
    }

    private static List<String> candidates(List<String> sonames) {
        List<String> c = new ArrayList<>(sonames);
        List<String> dirs = new ArrayList<>(DIRS);
        Optional.ofNullable(System.getenv("CUDA_HOME")).ifPresent(h -> dirs.addFirst(h + "/lib64"));
        for (String d : dirs) {
            for (String s : sonames) {
                Path p = Path.of(d, s);
                if (Files.exists(p)) {
                    c.add(p.toString());
                }
            }
        }
        return c;
    }
}

package dev.kindling.cuda.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The committed PTX must come from the committed CUDA sources: each PTX resource records the SHA-256 of
 * common.cuh + its .cu file (written by scripts/build-ptx.sh). Where nvcc is installed, the PTX is also
 * regenerated into a temporary folder and compared.
 */
class PtxUpToDateTest {

    /** The sdk-cuda folder: the working directory under Maven, its sdk-cuda child when run from the repository root. */
    private static final Path MODULE = Files.isDirectory(Path.of("src/main/cuda")) ? Path.of("").toAbsolutePath()
            : Path.of("sdk-cuda").toAbsolutePath();
    private static final Path SOURCES = MODULE.resolve("src/main/cuda");
    private static final Path PTX = MODULE.resolve("src/main/resources/dev/kindling/cuda/ptx");

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.list(SOURCES)) {
            return s.filter(p -> p.toString().endsWith(".cu")).sorted().toList();
        }
    }

    private static String name(Path cu) {
        String f = cu.getFileName().toString();
        return f.substring(0, f.length() - 3);
    }

    @Test
    void everyKernelSourceHasPtxBuiltFromItsCurrentText() throws Exception {
        assumeTrue(Files.isDirectory(SOURCES), "kernel sources not found from " + Path.of("").toAbsolutePath());
        List<Path> cus = sources();
        assertTrue(cus.size() >= 7, "expected the kernel sources under " + SOURCES);
        for (Path cu : cus) {
            String expected = sha256(Files.readAllBytes(SOURCES.resolve("common.cuh")), Files.readAllBytes(cu));
            Path ptx = PTX.resolve(name(cu) + ".ptx");
            assertTrue(Files.exists(ptx), ptx + " is missing: run sdk-cuda/scripts/build-ptx.sh");
            String first = Files.readAllLines(ptx).getFirst();
            assertEquals("// kindling-source-sha256: " + expected, first,
                    cu.getFileName() + " changed since its PTX was generated: run sdk-cuda/scripts/build-ptx.sh and commit the PTX");
        }
        assertEquals(KernelModules.MODULES.stream().sorted().toList(), cus.stream().map(PtxUpToDateTest::name).sorted().toList(),
                "KernelModules.MODULES must list every .cu file");
    }

    @Test
    void regeneratedPtxMatchesTheCommittedPtx() throws Exception {
        assumeTrue(onPath("nvcc"), "nvcc is not installed here");
        Path tmp = Files.createTempDirectory("kindling-ptx");
        Process p = new ProcessBuilder("bash", MODULE.resolve("scripts/build-ptx.sh").toString(), tmp.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "build-ptx.sh timed out");
        assertEquals(0, p.exitValue(), "build-ptx.sh failed:\n" + log);
        for (Path cu : sources()) {
            String fresh = Files.readString(tmp.resolve(name(cu) + ".ptx"));
            String committed = Files.readString(PTX.resolve(name(cu) + ".ptx"));
            assertEquals(fresh, committed, name(cu) + ".ptx differs from a fresh build: run sdk-cuda/scripts/build-ptx.sh");
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String sha256(byte[]... parts) throws NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
            md.update(p);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}

package dev.kindling.cuda.runtime;

import dev.kindling.cuda.bindings.Check;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The PTX modules built by {@code sdk-cuda/scripts/build-ptx.sh}, loaded into one device's context on
 * first use (the driver JIT-compiles them for the GPU and caches the result), and their kernels by name.
 */
final class KernelModules {

    static final String RESOURCE_DIR = "/dev/kindling/cuda/ptx/";
    static final List<String> MODULES = List.of("blas", "elementwise", "embedding", "optim", "hsm", "pooling", "quantize", "conv",
            "fftconv");

    private final Map<String, CUmodule> modules = new ConcurrentHashMap<>();
    private final Map<String, Kernel> kernels = new ConcurrentHashMap<>();

    static String ptx(String module) {
        try (InputStream in = KernelModules.class.getResourceAsStream(RESOURCE_DIR + module + ".ptx")) {
            if (in == null) {
                throw new IllegalStateException("PTX resource " + RESOURCE_DIR + module + ".ptx is missing from the sdk-cuda jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read PTX resource " + module, e);
        }
    }

    /** Loads every module now (the context must be current): reports a driver that cannot run our PTX early. */
    void loadAll() {
        for (String m : MODULES) {
            module(m);
        }
    }

    private CUmodule module(String name) {
        return modules.computeIfAbsent(name, n -> {
            CUmodule m = new CUmodule();
            Check.cu(JCudaDriver.cuModuleLoadData(m, ptx(n)), "cuModuleLoadData(" + n + ".ptx)");
            return m;
        });
    }

    Kernel kernel(String module, String name) {
        return kernels.computeIfAbsent(module + "." + name, k -> {
            CUfunction f = new CUfunction();
            Check.cu(JCudaDriver.cuModuleGetFunction(f, module(module), name), "cuModuleGetFunction(" + module + "." + name + ")");
            return new Kernel(module, name, f);
        });
    }
}

package dev.kindling.cuda.runtime;

import jcuda.driver.CUfunction;

/** A kernel function of a loaded PTX module, with its name for error messages. */
public record Kernel(String module, String name, CUfunction function) {

    @Override
    public String toString() {
        return module + "." + name;
    }
}

package dev.kindling.cuda.bindings;

import dev.kindling.cuda.CudaException;
import jcuda.driver.JCudaDriver;

/** Turns CUDA driver status codes into exceptions that name the failed call. */
public final class Check {

    private Check() {
    }

    public static void cu(int status, String what) {
        if (status != 0) {
            throw new CudaException(what + " failed: " + errorName(status) + " (" + status + ")");
        }
    }

    public static String errorName(int status) {
        try {
            String[] name = new String[1];
            if (JCudaDriver.cuGetErrorName(status, name) == 0 && name[0] != null) {
                return name[0];
            }
        } catch (RuntimeException | LinkageError ignored) {
            // fall through to the bare code
        }
        return "CUDA error";
    }
}

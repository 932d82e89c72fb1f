package dev.kindling.cuda;

/** A CUDA driver, kernel or library call failed; the message names the call (or kernel) and the error. */
public class CudaException extends RuntimeException {

    public CudaException(String message) {
        super(message);
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
    }
}

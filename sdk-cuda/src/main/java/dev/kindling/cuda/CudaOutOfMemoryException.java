package dev.kindling.cuda;

/**
 * A device allocation did not fit: the message says how much was asked for, how much live tensors and
 * the allocator's cache hold, the configured limit and what the device reports free.
 */
public final class CudaOutOfMemoryException extends CudaException {

    private final long requestedBytes;

    public CudaOutOfMemoryException(String message, long requestedBytes) {
        super(message);
        this.requestedBytes = requestedBytes;
    }

    public long requestedBytes() {
        return requestedBytes;
    }
}

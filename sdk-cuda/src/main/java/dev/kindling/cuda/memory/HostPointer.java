package dev.kindling.cuda.memory;

import jcuda.Pointer;

/** A JCuda {@link Pointer} to page-locked host memory whose raw address Java code can wrap in a segment. */
final class HostPointer extends Pointer {

    HostPointer() {
    }

    long address() {
        return getNativePointer() + getByteOffset();
    }
}

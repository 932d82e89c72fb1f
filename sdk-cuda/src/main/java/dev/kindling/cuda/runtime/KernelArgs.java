package dev.kindling.cuda.runtime;

import jcuda.NativePointerObject;
import jcuda.Pointer;

import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of one kernel launch, in the order of the kernel's C signature. Device pointers are
 * passed as raw 64-bit addresses (0 for a null optional argument).
 */
public final class KernelArgs {

    private final List<NativePointerObject> params = new ArrayList<>(12);

    private KernelArgs() {
    }

    public static KernelArgs of() {
        return new KernelArgs();
    }

    public KernelArgs ptr(long address) {
        params.add(Pointer.to(new long[]{address}));
        return this;
    }

    public KernelArgs i(int v) {
        params.add(Pointer.to(new int[]{v}));
        return this;
    }

    public KernelArgs i(boolean v) {
        return i(v ? 1 : 0);
    }

    public KernelArgs l(long v) {
        params.add(Pointer.to(new long[]{v}));
        return this;
    }

    public KernelArgs f(float v) {
        params.add(Pointer.to(new float[]{v}));
        return this;
    }

    Pointer pointer() {
        return Pointer.to(params.toArray(new NativePointerObject[0]));
    }
}

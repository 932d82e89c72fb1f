package dev.kindling.core.backend;

/**
 * The sizes of one spatial convolution: kernel kH × kW, stride dH × dW, zero padding padH × padW on
 * each side. Validated on construction.
 */
public record ConvGeometry(int kH, int kW, int dH, int dW, int padH, int padW) {

    public ConvGeometry {
        if (kH <= 0 || kW <= 0 || dH <= 0 || dW <= 0 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("convolution needs kernel > 0, stride > 0 and padding >= 0, got kernel " + kH + "x" + kW
                    + ", stride " + dH + "x" + dW + ", padding " + padH + "x" + padW);
        }
    }

    /** Output height for an input of height {@code h}; fails when the kernel does not fit. */
    public int outHeight(int h) {
        return outSize("height", h, kH, dH, padH);
    }

    public int outWidth(int w) {
        return outSize("width", w, kW, dW, padW);
    }

    private static int outSize(String what, int n, int k, int d, int pad) {
        int padded = n + 2 * pad;
        if (padded < k) {
            throw new IllegalArgumentException("kernel " + what + " " + k + " is larger than the padded input " + what + " " + padded
                    + " (input " + n + " + 2 x padding " + pad + ")");
        }
        return (padded - k) / d + 1;
    }

    public boolean unitStride() {
        return dH == 1 && dW == 1;
    }
}

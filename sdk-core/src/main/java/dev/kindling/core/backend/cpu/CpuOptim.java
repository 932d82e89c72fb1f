package dev.kindling.core.backend.cpu;

import dev.kindling.core.backend.OptimOps;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/** {@link OptimOps} on host memory. */
final class CpuOptim implements OptimOps {

    @Override
    public void sgd(Tensor param, Tensor grad, Tensor momentumBuffer, boolean firstStep, float lr, float momentum,
                    float dampening, float weightDecay, boolean nesterov) {
        sgdRange(param.segment(), param.offset(), grad.segment(), grad.offset(),
                momentumBuffer == null ? null : momentumBuffer.segment(), momentumBuffer == null ? 0 : momentumBuffer.offset(),
                param.numel(), firstStep, lr, momentum, dampening, weightDecay, nesterov);
    }

    @Override
    public void sgdRows(Tensor param, RowSparse grad, Tensor momentumBuffer, float lr, float momentum, float dampening,
                        float weightDecay, boolean nesterov) {
        int dim = grad.dim();
        int[] rows = grad.rows().data();
        MemorySegment p = param.segment(), g = grad.values().segment();
        MemorySegment m = momentumBuffer == null ? null : momentumBuffer.segment();
        for (int i = 0; i < rows.length; i++) {
            long pRow = param.offset() + (long) rows[i] * dim;
            long mRow = momentumBuffer == null ? 0 : momentumBuffer.offset() + (long) rows[i] * dim;
            boolean first = m != null && allZero(m, mRow, dim);
            sgdRange(p, pRow, g, grad.values().offset() + (long) i * dim, m, mRow, dim, first, lr, momentum, dampening,
                    weightDecay, nesterov);
        }
    }

    private static void sgdRange(MemorySegment p, long po, MemorySegment g, long go, MemorySegment m, long mo, long n,
                                 boolean first, float lr, float momentum, float dampening, float wd, boolean nesterov) {
        for (long i = 0; i < n; i++) {
            float w = p.getAtIndex(JAVA_FLOAT, po + i);
            float d = g.getAtIndex(JAVA_FLOAT, go + i) + wd * w;
            if (m != null) {
                float buf = first ? d : momentum * m.getAtIndex(JAVA_FLOAT, mo + i) + (1f - dampening) * d;
                m.setAtIndex(JAVA_FLOAT, mo + i, buf);
                d = nesterov ? d + momentum * buf : buf;
            }
            p.setAtIndex(JAVA_FLOAT, po + i, w - lr * d);
        }
    }

    @Override
    public void adagrad(Tensor param, Tensor grad, Tensor sumSquares, float lr, float eps, float weightDecay) {
        adagradRange(param.segment(), param.offset(), grad.segment(), grad.offset(), sumSquares.segment(), sumSquares.offset(),
                param.numel(), lr, eps, weightDecay);
    }

    @Override
    public void adagradRows(Tensor param, RowSparse grad, Tensor sumSquares, float lr, float eps, float weightDecay) {
        int dim = grad.dim();
        int[] rows = grad.rows().data();
        for (int i = 0; i < rows.length; i++) {
            long row = (long) rows[i] * dim;
            adagradRange(param.segment(), param.offset() + row, grad.values().segment(), grad.values().offset() + (long) i * dim,
                    sumSquares.segment(), sumSquares.offset() + row, dim, lr, eps, weightDecay);
        }
    }

    private static void adagradRange(MemorySegment p, long po, MemorySegment g, long go, MemorySegment s, long so, long n,
                                     float lr, float eps, float wd) {
        for (long i = 0; i < n; i++) {
            float w = p.getAtIndex(JAVA_FLOAT, po + i);
            float d = g.getAtIndex(JAVA_FLOAT, go + i) + wd * w;
            float acc = s.getAtIndex(JAVA_FLOAT, so + i) + d * d;
            s.setAtIndex(JAVA_FLOAT, so + i, acc);
            p.setAtIndex(JAVA_FLOAT, po + i, w - lr * d / ((float) Math.sqrt(acc) + eps));
        }
    }

    private static boolean allZero(MemorySegment m, long off, int n) {
        for (int i = 0; i < n; i++) {
            if (m.getAtIndex(JAVA_FLOAT, off + i) != 0f) {
                return false;
            }
        }
        return true;
    }
}

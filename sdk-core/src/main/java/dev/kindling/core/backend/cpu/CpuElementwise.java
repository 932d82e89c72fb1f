package dev.kindling.core.backend.cpu;

import dev.kindling.core.backend.ElementwiseOps;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/** {@link ElementwiseOps} on host memory. */
final class CpuElementwise implements ElementwiseOps {

    @Override
    public void relu(Tensor input, Tensor output) {
        MemorySegment in = input.segment(), out = output.segment();
        long io = input.offset(), oo = output.offset();
        for (long i = 0, n = input.numel(); i < n; i++) {
            float v = in.getAtIndex(JAVA_FLOAT, io + i);
            out.setAtIndex(JAVA_FLOAT, oo + i, v > 0f ? v : 0f);
        }
    }

    @Override
    public void reluBackward(Tensor input, Tensor gradOutput, Tensor gradInput) {
        MemorySegment in = input.segment(), go = gradOutput.segment(), gi = gradInput.segment();
        long io = input.offset(), goo = gradOutput.offset(), gio = gradInput.offset();
        for (long i = 0, n = input.numel(); i < n; i++) {
            float g = in.getAtIndex(JAVA_FLOAT, io + i) > 0f ? go.getAtIndex(JAVA_FLOAT, goo + i) : 0f;
            gi.setAtIndex(JAVA_FLOAT, gio + i, g);
        }
    }

    @Override
    public void tanh(Tensor input, Tensor output) {
        MemorySegment in = input.segment(), out = output.segment();
        long io = input.offset(), oo = output.offset();
        for (long i = 0, n = input.numel(); i < n; i++) {
            out.setAtIndex(JAVA_FLOAT, oo + i, (float) Math.tanh(in.getAtIndex(JAVA_FLOAT, io + i)));
        }
    }

    @Override
    public void tanhBackward(Tensor output, Tensor gradOutput, Tensor gradInput) {
        MemorySegment out = output.segment(), go = gradOutput.segment(), gi = gradInput.segment();
        long oo = output.offset(), goo = gradOutput.offset(), gio = gradInput.offset();
        for (long i = 0, n = output.numel(); i < n; i++) {
            float y = out.getAtIndex(JAVA_FLOAT, oo + i);
            gi.setAtIndex(JAVA_FLOAT, gio + i, go.getAtIndex(JAVA_FLOAT, goo + i) * (1f - y * y));
        }
    }

    @Override
    public void logSoftmax(Tensor input, Tensor output) {
        int cols = input.size(-1);
        long rows = cols == 0 ? 0 : input.numel() / cols;
        MemorySegment in = input.segment(), out = output.segment();
        for (long r = 0; r < rows; r++) {
            long ib = input.offset() + r * cols, ob = output.offset() + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, in.getAtIndex(JAVA_FLOAT, ib + j));
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(in.getAtIndex(JAVA_FLOAT, ib + j) - max);
            }
            float logZ = (float) (max + Math.log(sum));
            for (int j = 0; j < cols; j++) {
                out.setAtIndex(JAVA_FLOAT, ob + j, in.getAtIndex(JAVA_FLOAT, ib + j) - logZ);
            }
        }
    }

    @Override
    public void logSoftmaxBackward(Tensor output, Tensor gradOutput, Tensor gradInput) {
        int cols = output.size(-1);
        long rows = cols == 0 ? 0 : output.numel() / cols;
        MemorySegment out = output.segment(), go = gradOutput.segment(), gi = gradInput.segment();
        for (long r = 0; r < rows; r++) {
            long ob = output.offset() + r * cols, gob = gradOutput.offset() + r * cols, gib = gradInput.offset() + r * cols;
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += go.getAtIndex(JAVA_FLOAT, gob + j);
            }
            for (int j = 0; j < cols; j++) {
                float g = (float) (go.getAtIndex(JAVA_FLOAT, gob + j) - Math.exp(out.getAtIndex(JAVA_FLOAT, ob + j)) * sum);
                gi.setAtIndex(JAVA_FLOAT, gib + j, g);
            }
        }
    }

    @Override
    public void classNll(Tensor logProbs, IndexTensor targets, Tensor weights, double[] out) {
        int cols = logProbs.size(-1);
        MemorySegment lp = logProbs.segment();
        double loss = 0, total = 0;
        for (int i = 0; i < targets.numel(); i++) {
            int t = targets.get(i);
            double w = weights == null ? 1.0 : weights.getFlat(t);
            loss -= w * lp.getAtIndex(JAVA_FLOAT, logProbs.offset() + (long) i * cols + t);
            total += w;
        }
        out[0] = loss;
        out[1] = total;
    }

    @Override
    public void classNllBackward(Tensor gradInput, IndexTensor targets, Tensor weights, float scale) {
        int cols = gradInput.size(-1);
        gradInput.backend().blas().fill(gradInput, 0f);
        MemorySegment gi = gradInput.segment();
        for (int i = 0; i < targets.numel(); i++) {
            int t = targets.get(i);
            float w = weights == null ? 1f : weights.getFlat(t);
            gi.setAtIndex(JAVA_FLOAT, gradInput.offset() + (long) i * cols + t, -scale * w);
        }
    }
}

package dev.kindling.cuda.ops;

import java.util.Arrays;

/**
 * How one HSM batch is laid out on the device, computed on the host from the targets: examples grouped
 * by target cluster ({@code order[i]} is the example at grouped position i), and per touched cluster
 * where its examples, its score block (examples × cluster size) and its packed class rows start. When
 * every touched cluster is contiguous the clusters are visited by ascending first class id, so the
 * packed class rows are already the ascending row list a {@code RowSparse} gradient needs.
 */
final class HsmBatchPlan {

    final int batch;
    final int[] targetCluster;
    final int[] order;
    final int[] clusters;
    final int[] groupStart;
    final int[] groupCount;
    final long[] scoreOffset;
    final long[] packedStart;
    final long scoreTotal;
    final long packedTotal;
    final boolean contiguous;
    /** Per grouped example: where its score row starts, its length, its bias offset, its target's index. */
    final long[] rowStart;
    final int[] rowLen;
    final long[] biasStart;
    final int[] targetIndex;

    HsmBatchPlan(HsmLayout layout, int[] targets) {
        batch = targets.length;
        int nc = layout.contiguousFirst.length;
        targetCluster = new int[batch];
        int[] counts = new int[nc];
        for (int b = 0; b < batch; b++) {
            int c = layout.classCluster[targets[b]];
            targetCluster[b] = c;
            counts[c]++;
        }
        int touched = 0;
        for (int c = 0; c < nc; c++) {
            if (counts[c] > 0) {
                touched++;
            }
        }
        clusters = new int[touched];
        for (int c = 0, k = 0; c < nc; c++) {
            if (counts[c] > 0) {
                clusters[k++] = c;
            }
        }
        boolean allContiguous = true;
        for (int c : clusters) {
            allContiguous &= layout.contiguousFirst[c] >= 0;
        }
        contiguous = allContiguous;
        if (contiguous) {
            Integer[] boxed = Arrays.stream(clusters).boxed().toArray(Integer[]::new);
            Arrays.sort(boxed, (a, b) -> Integer.compare(layout.contiguousFirst[a], layout.contiguousFirst[b]));
            for (int i = 0; i < touched; i++) {
                clusters[i] = boxed[i];
            }
        }
        groupStart = new int[touched];
        groupCount = new int[touched];
        scoreOffset = new long[touched];
        packedStart = new long[touched + 1];
        int[] cursor = new int[nc];
        long score = 0;
        int start = 0;
        for (int g = 0; g < touched; g++) {
            int c = clusters[g];
            groupStart[g] = start;
            groupCount[g] = counts[c];
            cursor[c] = start;
            start += counts[c];
            scoreOffset[g] = score;
            score += (long) counts[c] * layout.clusterSize(c);
            packedStart[g + 1] = packedStart[g] + layout.clusterSize(c);
        }
        scoreTotal = score;
        packedTotal = packedStart[touched];
        int[] groupOf = new int[nc];
        for (int g = 0; g < touched; g++) {
            groupOf[clusters[g]] = g;
        }
        order = new int[batch];
        rowStart = new long[batch];
        rowLen = new int[batch];
        biasStart = new long[batch];
        targetIndex = new int[batch];
        for (int b = 0; b < batch; b++) {
            int c = targetCluster[b], g = groupOf[c];
            int i = cursor[c]++;
            order[i] = b;
            int size = layout.clusterSize(c);
            rowStart[i] = scoreOffset[g] + (long) (i - groupStart[g]) * size;
            rowLen[i] = size;
            biasStart[i] = contiguous ? layout.contiguousFirst[c] : packedStart[g];
            targetIndex[i] = layout.classIndex[targets[b]];
        }
    }

    /** The class ids of the touched clusters in packed order. */
    int[] packedMembers(HsmLayout layout) {
        int[] out = new int[Math.toIntExact(packedTotal)];
        for (int g = 0; g < clusters.length; g++) {
            int c = clusters[g];
            System.arraycopy(layout.members, layout.memberStart[c], out, (int) packedStart[g], layout.clusterSize(c));
        }
        return out;
    }

    /** The packed class ids sorted ascending, and for each packed row its slot in that order. */
    static int[][] sortedRowsAndSlots(int[] packed) {
        long[] keys = new long[packed.length];
        for (int i = 0; i < packed.length; i++) {
            keys[i] = ((long) packed[i] << 32) | i;
        }
        Arrays.sort(keys);
        int[] rows = new int[packed.length];
        int[] slots = new int[packed.length];
        for (int s = 0; s < keys.length; s++) {
            rows[s] = (int) (keys[s] >>> 32);
            slots[(int) keys[s]] = s;
        }
        return new int[][]{rows, slots};
    }
}

package dev.kindling.core.backend;

import dev.kindling.core.tensor.Tensor;

/**
 * The parameters and class layout of a two-level hierarchical softmax, as the {@link HsmOps} kernels
 * see them. Classes are grouped into clusters: cluster {@code c} holds the classes
 * {@code members[memberStart[c] .. memberStart[c+1])}, in within-cluster index order, and
 * {@code classCluster[k]} is the cluster of class {@code k}, {@code classIndex[k]} its index inside it.
 *
 * @param clusterWeight C × d
 * @param clusterBias   C
 * @param classWeight   N × d (row k belongs to class k)
 * @param classBias     N × 1
 */
public record HsmTables(Tensor clusterWeight, Tensor clusterBias, Tensor classWeight, Tensor classBias,
                        int[] memberStart, int[] members, int[] classCluster, int[] classIndex, int maxClusterSize) {

    /** Tables with {@code maxClusterSize} computed from the layout (kernels size scratch buffers by it). */
    public static HsmTables of(Tensor clusterWeight, Tensor clusterBias, Tensor classWeight, Tensor classBias,
                               int[] memberStart, int[] members, int[] classCluster, int[] classIndex) {
        int max = 0;
        for (int c = 0; c + 1 < memberStart.length; c++) {
            max = Math.max(max, memberStart[c + 1] - memberStart[c]);
        }
        return new HsmTables(clusterWeight, clusterBias, classWeight, classBias, memberStart, members, classCluster, classIndex, max);
    }

    public int clusters() {
        return memberStart.length - 1;
    }

    public int classes() {
        return classCluster.length;
    }

    public int dim() {
        return clusterWeight.size(1);
    }

    public int clusterSize(int c) {
        return memberStart[c + 1] - memberStart[c];
    }
}

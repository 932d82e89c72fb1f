package dev.kindling.core.hsm;

import dev.kindling.core.backend.HsmOps;
import dev.kindling.core.backend.HsmTables;
import dev.kindling.core.tensor.Tensor;

import java.util.Arrays;

/**
 * Exact top-k without scoring every class. Clusters are visited in descending probability; since
 * p(class) = p(cluster) · p(class | cluster) ≤ p(cluster), the search stops at the first cluster whose
 * probability is below the k-th best class found so far. Keeps no state between calls.
 */
final class TopKSearch {

    private TopKSearch() {
    }

    static TopK search(HsmOps ops, HsmTables t, Tensor input, int example, int k) {
        int nc = t.clusters();
        Tensor clusterLp = Tensor.zeros(input.device(), 1, nc);
        ops.clusterLogProbs(t, input.narrow(example, 1), clusterLp);
        float[] clp = clusterLp.toArray();
        Integer[] order = new Integer[nc];
        for (int c = 0; c < nc; c++) {
            order[c] = c;
        }
        Arrays.sort(order, (a, b) -> clp[a] != clp[b] ? Float.compare(clp[b], clp[a]) : Integer.compare(a, b));
        TopKHeap heap = new TopKHeap(k);
        Tensor memberLp = Tensor.zeros(input.device(), Math.max(1, t.maxClusterSize()));
        int[] members = t.members();
        for (int oi = 0; oi < nc; oi++) {
            int c = order[oi];
            if (heap.full() && clp[c] < heap.minScore()) {
                break;
            }
            ops.memberLogProbs(t, input, example, c, memberLp);
            int start = t.memberStart()[c], n = t.clusterSize(c);
            // One transfer per cluster (the scores may live on a GPU), not one per element.
            float[] lp = memberLp.narrow(0, n).toArray();
            for (int j = 0; j < n; j++) {
                heap.offer(members[start + j], clp[c] + lp[j]);
            }
        }
        return heap.sorted();
    }
}

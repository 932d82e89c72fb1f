package dev.kindling.cuda.ops;

import dev.kindling.core.backend.HsmTables;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host-side grouping of an HSM batch by target cluster (runs without a GPU). */
class HsmBatchPlanTest {

    private static HsmTables tables(int[] memberStart, int[] members) {
        int n = members.length;
        int[] cluster = new int[n], index = new int[n];
        for (int c = 0; c + 1 < memberStart.length; c++) {
            for (int j = memberStart[c]; j < memberStart[c + 1]; j++) {
                cluster[members[j]] = c;
                index[members[j]] = j - memberStart[c];
            }
        }
        Tensor none = Tensor.zeros(1, 1);
        return HsmTables.of(Tensor.zeros(memberStart.length - 1, 2), Tensor.zeros(memberStart.length - 1), none, none, memberStart,
                members, cluster, index);
    }

    @Test
    void contiguousClustersAreVisitedByFirstClassAndPackAscending() {
        // Cluster 0 = classes 5..7, cluster 1 = 0..4, cluster 2 = 8..9 (all contiguous).
        HsmTables t = tables(new int[]{0, 3, 8, 10}, new int[]{5, 6, 7, 0, 1, 2, 3, 4, 8, 9});
        HsmLayout layout = new HsmLayout(null, t);
        assertTrue(layout.allContiguous);
        assertArrayEquals(new int[]{5, 0, 8}, layout.contiguousFirst);
        int[] targets = {6, 1, 9, 3, 7};
        HsmBatchPlan p = new HsmBatchPlan(layout, targets);
        assertTrue(p.contiguous);
        assertArrayEquals(new int[]{1, 0, 2}, p.clusters, "by first class id: 0..4, 5..7, 8..9");
        assertArrayEquals(new int[]{1, 3, 0, 4, 2}, p.order, "examples grouped by cluster, in example order within a group");
        assertArrayEquals(new int[]{0, 2, 4}, p.groupStart);
        assertArrayEquals(new int[]{2, 2, 1}, p.groupCount);
        assertArrayEquals(new long[]{0, 10, 16}, p.scoreOffset);
        assertArrayEquals(new long[]{0, 5, 8, 10}, p.packedStart);
        assertEquals(18, p.scoreTotal);
        assertArrayEquals(new long[]{0, 5, 10, 13, 16}, p.rowStart);
        assertArrayEquals(new int[]{5, 5, 3, 3, 2}, p.rowLen);
        assertArrayEquals(new long[]{0, 0, 5, 5, 8}, p.biasStart, "biases read in place from the first class of the cluster");
        assertArrayEquals(new int[]{1, 3, 1, 2, 1}, p.targetIndex);
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, p.packedMembers(layout));
    }

    @Test
    void scatteredClustersUsePackedRowsAndSortedSlots() {
        HsmTables t = tables(new int[]{0, 2, 4}, new int[]{3, 0, 2, 1});
        HsmLayout layout = new HsmLayout(null, t);
        assertFalse(layout.allContiguous);
        HsmBatchPlan p = new HsmBatchPlan(layout, new int[]{1, 0, 1});
        assertFalse(p.contiguous);
        assertArrayEquals(new int[]{0, 1}, p.clusters, "scattered clusters are visited in cluster order");
        assertArrayEquals(new int[]{1, 0, 2}, p.order);
        assertArrayEquals(new long[]{0, 2, 2}, p.biasStart, "packed bias offsets");
        int[] packed = p.packedMembers(layout);
        assertArrayEquals(new int[]{3, 0, 2, 1}, packed);
        int[][] rs = HsmBatchPlan.sortedRowsAndSlots(packed);
        assertArrayEquals(new int[]{0, 1, 2, 3}, rs[0]);
        assertArrayEquals(new int[]{3, 0, 2, 1}, rs[1]);
        for (int r = 0; r < packed.length; r++) {
            assertEquals(packed[r], rs[0][rs[1][r]]);
        }
        assertEquals(Arrays.stream(p.rowLen).sum(), p.scoreTotal);
    }
}

package dev.kindling.core.hsm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterMappingTest {

    @Test
    void validMappingRoundTrips() {
        ClusterMapping m = ClusterMapping.of(new int[]{1, 0, 1, 0}, new int[]{1, 0, 0, 1});
        assertEquals(2, m.clusters());
        assertEquals(2, m.member(1, 0));
        assertEquals(0, m.member(1, 1));
        assertEquals(3, m.member(0, 1));
        assertEquals(1, m.indexInCluster(3) - m.indexInCluster(1));
    }

    @Test
    void gapsDuplicatesAndRangeErrorsAreNamed() {
        String gap = assertThrows(IllegalArgumentException.class,
                () -> ClusterMapping.of(new int[]{0, 2}, new int[]{0, 0})).getMessage();
        assertTrue(gap.contains("cluster 1 has no class"), gap);
        String dup = assertThrows(IllegalArgumentException.class,
                () -> ClusterMapping.of(new int[]{0, 0}, new int[]{0, 0})).getMessage();
        assertTrue(dup.contains("classes 0 and 1 both have index 0"), dup);
        String range = assertThrows(IllegalArgumentException.class,
                () -> ClusterMapping.of(new int[]{0, 0}, new int[]{0, 2})).getMessage();
        assertTrue(range.contains("class 1 has index 2"), range);
        String neg = assertThrows(IllegalArgumentException.class,
                () -> ClusterMapping.of(new int[]{0, -1}, new int[]{0, 0})).getMessage();
        assertTrue(neg.contains("negative cluster"), neg);
        assertThrows(IllegalArgumentException.class, () -> ClusterMapping.of(new int[]{0}, new int[]{0, 0}));
        ClusterMapping m = ClusterBuilders.balanced(5);
        String cls = assertThrows(IllegalArgumentException.class, () -> m.clusterOf(5)).getMessage();
        assertTrue(cls.contains("class 5 is out of range [0, 5)"), cls);
    }

    @Test
    void balancedHasAboutSqrtNClustersOfEqualSize() {
        ClusterMapping m = ClusterBuilders.balanced(10_000);
        assertEquals(100, m.clusters());
        assertEquals(100, m.maxClusterSize());
        ClusterMapping odd = ClusterBuilders.balanced(10, 3);
        assertEquals(3, odd.clusters());
        assertEquals(4, odd.maxClusterSize());
        assertThrows(IllegalArgumentException.class, () -> ClusterBuilders.balanced(0));
        assertThrows(IllegalArgumentException.class, () -> ClusterBuilders.balanced(5, 6));
    }

    @Test
    void frequencyClustersPutFrequentClassesInSmallClustersAndLowerExpectedCost() {
        int n = 5000;
        long[] counts = new long[n];
        for (int k = 0; k < n; k++) {
            counts[k] = (long) (1e6 / (k + 1));   // Zipf
        }
        ClusterMapping f = ClusterBuilders.byFrequency(counts);
        ClusterMapping b = ClusterBuilders.balanced(n);
        assertTrue(f.clusterSize(f.clusterOf(0)) < f.clusterSize(f.clusterOf(n - 1)),
                "most frequent class cluster " + f.clusterSize(f.clusterOf(0)) + " vs rarest " + f.clusterSize(f.clusterOf(n - 1)));
        assertTrue(expectedCost(f, counts) < 0.8 * expectedCost(b, counts),
                "frequency " + expectedCost(f, counts) + " vs balanced " + expectedCost(b, counts));
        assertThrows(IllegalArgumentException.class, () -> ClusterBuilders.byFrequency(new long[]{1, -1}));
    }

    /** C + E[size of the target's cluster] under the counts: rows scored per example. */
    static double expectedCost(ClusterMapping m, long[] counts) {
        double total = 0, cost = 0;
        for (int k = 0; k < counts.length; k++) {
            total += counts[k];
            cost += counts[k] * (double) m.clusterSize(m.clusterOf(k));
        }
        return m.clusters() + cost / total;
    }

    @Test
    void addedClassesFillLastClusterThenOpenNewOnes() {
        ClusterMapping m = ClusterBuilders.balanced(10, 3).withAddedClasses(5, 4);   // sizes 4,4,2 → 4,4,4,3
        assertEquals(15, m.classes());
        assertEquals(4, m.clusters());
        assertEquals(2, m.clusterOf(11));
        assertEquals(3, m.clusterOf(12));
        assertEquals(2, m.indexInCluster(14));
    }
}

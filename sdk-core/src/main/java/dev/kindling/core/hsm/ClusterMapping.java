package dev.kindling.core.hsm;

import java.util.Arrays;

/**
 * Which cluster each class belongs to and its index inside that cluster (fbcunn's HSM {@code mapping}).
 * Valid mappings have clusters numbered 0 … C−1, none empty, and inside every cluster the indices
 * 0 … size−1 each used exactly once; anything else is rejected with the offending class named.
 * Immutable.
 */
public final class ClusterMapping {

    private final int[] clusterOf;
    private final int[] indexInCluster;
    private final int[] memberStart;
    private final int[] members;

    private ClusterMapping(int[] clusterOf, int[] indexInCluster, int[] memberStart, int[] members) {
        this.clusterOf = clusterOf;
        this.indexInCluster = indexInCluster;
        this.memberStart = memberStart;
        this.members = members;
    }

    /** A user-given mapping: class k is member {@code indexInCluster[k]} of cluster {@code clusterOf[k]}. */
    public static ClusterMapping of(int[] clusterOf, int[] indexInCluster) {
        if (clusterOf.length == 0 || clusterOf.length != indexInCluster.length) {
            throw new IllegalArgumentException("a cluster mapping needs one (cluster, index) pair per class and at least one class; got "
                    + clusterOf.length + " clusters and " + indexInCluster.length + " indices");
        }
        int n = clusterOf.length;
        int clusters = 0;
        for (int k = 0; k < n; k++) {
            if (clusterOf[k] < 0) {
                throw new IllegalArgumentException("class " + k + " has negative cluster " + clusterOf[k]);
            }
            clusters = Math.max(clusters, clusterOf[k]);
        }
        if (clusters >= n) {
            // Every cluster holds a class, so n classes fill at most n clusters: a larger id (from a damaged file) means a
            // gap below it, named here without allocating by the id.
            boolean[] used = new boolean[n];
            for (int c : clusterOf) {
                if (c < n) {
                    used[c] = true;
                }
            }
            int gap = 0;
            while (used[gap]) {
                gap++;
            }
            throw new IllegalArgumentException("cluster ids must be 0.." + clusters + " without gaps, but cluster " + gap + " has no class");
        }
        clusters++;
        int[] size = new int[clusters];
        for (int k = 0; k < n; k++) {
            size[clusterOf[k]]++;
        }
        int[] start = new int[clusters + 1];
        for (int c = 0; c < clusters; c++) {
            if (size[c] == 0) {
                throw new IllegalArgumentException("cluster ids must be 0.." + (clusters - 1) + " without gaps, but cluster " + c
                        + " has no class");
            }
            start[c + 1] = start[c] + size[c];
        }
        int[] members = new int[n];
        Arrays.fill(members, -1);
        for (int k = 0; k < n; k++) {
            int c = clusterOf[k], i = indexInCluster[k];
            if (i < 0 || i >= size[c]) {
                throw new IllegalArgumentException("class " + k + " has index " + i + " in cluster " + c + ", which holds " + size[c]
                        + " classes: indices must be 0.." + (size[c] - 1));
            }
            if (members[start[c] + i] >= 0) {
                throw new IllegalArgumentException("classes " + members[start[c] + i] + " and " + k + " both have index " + i
                        + " in cluster " + c);
            }
            members[start[c] + i] = k;
        }
        return new ClusterMapping(clusterOf.clone(), indexInCluster.clone(), start, members);
    }

    /** A mapping from cluster assignments alone; indices follow class order inside each cluster. */
    public static ClusterMapping fromClusters(int[] clusterOf) {
        int clusters = 0;
        for (int c : clusterOf) {
            clusters = Math.max(clusters, c + 1);
        }
        int[] next = new int[Math.max(clusters, 0)];
        int[] index = new int[clusterOf.length];
        for (int k = 0; k < clusterOf.length; k++) {
            if (clusterOf[k] < 0) {
                throw new IllegalArgumentException("class " + k + " has negative cluster " + clusterOf[k]);
            }
            index[k] = next[clusterOf[k]]++;
        }
        return of(clusterOf, index);
    }

    /**
     * This mapping plus {@code count} new classes (ids following the existing ones). They fill the last
     * cluster while it holds fewer than {@code clusterCapacity} classes, then open new clusters; existing
     * classes keep their cluster and index.
     */
    public ClusterMapping withAddedClasses(int count, int clusterCapacity) {
        if (count < 0 || clusterCapacity <= 0) {
            throw new IllegalArgumentException("adding classes needs count >= 0 and clusterCapacity > 0, got " + count + ", "
                    + clusterCapacity);
        }
        int n = classes();
        int[] c2 = Arrays.copyOf(clusterOf, n + count);
        int[] i2 = Arrays.copyOf(indexInCluster, n + count);
        int last = clusters() - 1;
        int lastSize = clusterSize(last);
        for (int k = n; k < n + count; k++) {
            if (lastSize >= clusterCapacity) {
                last++;
                lastSize = 0;
            }
            c2[k] = last;
            i2[k] = lastSize++;
        }
        return of(c2, i2);
    }

    public int classes() {
        return clusterOf.length;
    }

    public int clusters() {
        return memberStart.length - 1;
    }

    public int clusterOf(int cls) {
        return clusterOf[requireClass(cls)];
    }

    public int indexInCluster(int cls) {
        return indexInCluster[requireClass(cls)];
    }

    public int clusterSize(int cluster) {
        if (cluster < 0 || cluster >= clusters()) {
            throw new IllegalArgumentException("cluster " + cluster + " out of range [0, " + clusters() + ")");
        }
        return memberStart[cluster + 1] - memberStart[cluster];
    }

    /** The class at {@code index} of {@code cluster}. */
    public int member(int cluster, int index) {
        if (index < 0 || index >= clusterSize(cluster)) {
            throw new IllegalArgumentException("index " + index + " out of range for cluster " + cluster + " of size "
                    + clusterSize(cluster));
        }
        return members[memberStart[cluster] + index];
    }

    public int maxClusterSize() {
        int m = 0;
        for (int c = 0; c < clusters(); c++) {
            m = Math.max(m, clusterSize(c));
        }
        return m;
    }

    /** Fails with a clear message for a class id outside [0, classes). */
    public int requireClass(int cls) {
        if (cls < 0 || cls >= clusterOf.length) {
            throw new IllegalArgumentException("class " + cls + " is out of range [0, " + clusterOf.length + ")");
        }
        return cls;
    }

    /** Copies of the arrays, for serialization. */
    public int[] clusterOfArray() {
        return clusterOf.clone();
    }

    public int[] indexInClusterArray() {
        return indexInCluster.clone();
    }

    // Shared (not copied) with the HSM kernels; never modified after construction.
    int[] memberStartShared() {
        return memberStart;
    }

    int[] membersShared() {
        return members;
    }

    int[] clusterOfShared() {
        return clusterOf;
    }

    int[] indexInClusterShared() {
        return indexInCluster;
    }

    @Override
    public String toString() {
        return "ClusterMapping(" + classes() + " classes in " + clusters() + " clusters, largest " + maxClusterSize() + ")";
    }
}

package dev.kindling.cuda.ops;

import dev.kindling.core.backend.HsmTables;
import dev.kindling.cuda.memory.DeviceBlock;
import dev.kindling.cuda.runtime.CudaDevice;

/**
 * The class layout of an {@link HsmTables} on one device: the member lists uploaded once, and whether
 * each cluster's members are consecutive ascending class ids (then its class rows are one contiguous
 * slice of the weight matrix and GEMMs read and write it in place, with no gather or scatter).
 */
final class HsmLayout implements AutoCloseable {

    final int[] memberStart;
    final int[] members;
    final int[] classCluster;
    final int[] classIndex;
    /** First class id of cluster c when its members are consecutive ascending ids, else -1. */
    final int[] contiguousFirst;
    final boolean allContiguous;
    final DeviceBlock membersDev;
    final DeviceBlock memberStartDev;

    HsmLayout(CudaDevice d, HsmTables t) {
        this.memberStart = t.memberStart();
        this.members = t.members();
        this.classCluster = t.classCluster();
        this.classIndex = t.classIndex();
        int clusters = t.clusters();
        contiguousFirst = new int[clusters];
        boolean all = true;
        for (int c = 0; c < clusters; c++) {
            int start = memberStart[c], n = memberStart[c + 1] - start;
            int first = n == 0 ? 0 : members[start];
            boolean contiguous = true;
            for (int j = 1; j < n && contiguous; j++) {
                contiguous = members[start + j] == first + j;
            }
            contiguousFirst[c] = contiguous ? first : -1;
            all &= contiguous;
        }
        allContiguous = all;
        // Without a device (host-side planning tests) nothing is uploaded.
        membersDev = d == null ? null : d.upload(members.length == 0 ? new int[1] : members);
        memberStartDev = d == null ? null : d.upload(memberStart);
    }

    boolean sameArrays(HsmTables t) {
        return t.memberStart() == memberStart && t.members() == members && t.classCluster() == classCluster
                && t.classIndex() == classIndex;
    }

    int clusterSize(int c) {
        return memberStart[c + 1] - memberStart[c];
    }

    @Override
    public void close() {
        if (membersDev != null) {
            membersDev.close();
            memberStartDev.close();
        }
    }
}

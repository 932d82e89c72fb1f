package dev.kindling.core.text;

import dev.kindling.core.hsm.ClusterMapping;
import dev.kindling.core.hsm.HierarchicalSoftmax;
import dev.kindling.core.hsm.TopK;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A copy of a {@link TextClassifier}'s tables on another device (a GPU) that answers predictions there. The
 * source in host memory stays the model that is trained, checkpointed and served when the device fails; after
 * the source changed, {@link #refresh} copies what changed: the input rows and output rows a training step
 * wrote, everything after labels were added. Tokenizing and the dictionary stay on the host (the source's).
 *
 * <p>Only the two-level HSM ({@code -loss hsm}) has device kernels for its top-k; the other output layers (the tree
 * softmax, the full softmax, ns/ova) are host-only, and a replica of such a model is refused.
 *
 * <p>Predictions read the source's dictionary: the caller keeps them and the source's changes apart (the
 * serving engine predicts under its read lock and refreshes inside its update), so that an answer never
 * mixes a word the source just activated with a device row that does not hold it yet. The replica's own lock
 * only keeps a refresh and a prediction from interleaving their device work.
 */
public final class ClassifierReplica {

    private final TextClassifier source;
    private final Device device;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    // The input table with room to grow (as the source's), and the view of its live rows.
    private Tensor inputStore;
    private Tensor input;
    private HierarchicalSoftmax output;
    private ClusterMapping mapping;

    private ClassifierReplica(TextClassifier source, Device device) {
        this.source = source;
        this.device = device;
        copyEverything();
    }

    /** A replica of {@code source} on {@code device}: copies its input table and output layer there. */
    public static ClassifierReplica of(TextClassifier source, Device device) {
        if (!(source.output() instanceof HierarchicalSoftmax)) {
            throw new IllegalArgumentException("a device replica needs an -loss hsm model; " + source.output()
                    + " (-loss " + source.args().loss().flag() + ") runs on the CPU only");
        }
        return new ClassifierReplica(source, device);
    }

    public Device device() {
        return device;
    }

    public TextClassifier source() {
        return source;
    }

    /** Exact top-k label ids and log-probabilities of each tokenized text, computed on the device. */
    public List<TopK> predictIds(List<List<String>> tokenized, int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        if (tokenized.isEmpty()) {
            return List.of();
        }
        Dictionary dict = source.dictionary();
        int[] offsets = new int[tokenized.size()];
        int[][] rows = new int[tokenized.size()][];
        int total = 0;
        for (int b = 0; b < rows.length; b++) {
            rows[b] = dict.inputRows(tokenized.get(b), false);
            offsets[b] = total;
            total += rows[b].length;
        }
        int[] ids = new int[total];
        for (int b = 0; b < rows.length; b++) {
            System.arraycopy(rows[b], 0, ids, offsets[b], rows[b].length);
        }
        lock.readLock().lock();
        try {
            Tensor in = input;
            for (int id : ids) {
                if (id >= in.size(0)) {
                    throw new IllegalStateException("the " + device + " replica holds " + in.size(0) + " input rows but the text uses row "
                            + id + ": refresh the replica after changing its source");
                }
            }
            Tensor hidden = Tensor.zeros(device, rows.length, source.dim());
            in.backend().embedding().embeddingBag(in, IndexTensor.wrap(ids, total), IndexTensor.wrap(offsets, offsets.length),
                    null, true, -1, hidden);
            return output.topKBatch(hidden, Math.min(k, output.classes()));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The k most probable labels of each text with probability ≥ threshold, as {@link TextClassifier#predict}. */
    public List<List<Prediction>> predict(List<String> texts, int k, float threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
        }
        List<List<String>> tokenized = new ArrayList<>(texts.size());
        for (String t : texts) {
            tokenized.add(Tokenizer.tokens(t));
        }
        List<TopK> tops = predictIds(tokenized, k);
        List<List<Prediction>> out = new ArrayList<>(tops.size());
        for (TopK top : tops) {
            List<Prediction> ps = new ArrayList<>(top.size());
            for (int i = 0; i < top.size(); i++) {
                float p = (float) Math.exp(top.logProbs()[i]);
                if (p < threshold) {
                    break;
                }
                ps.add(new Prediction(source.dictionary().label(top.classes()[i]), p));
            }
            out.add(ps);
        }
        return out;
    }

    /**
     * Takes what one round of online training changed in the source: the input rows it wrote and the classes it
     * trained (an HSM step writes every cluster row and the rows of the trained class's cluster). Labels or words
     * added since the last refresh are taken too; a changed cluster layout copies the whole output layer.
     */
    public void refresh(OnlineTrainer.Result changes) {
        refresh(changes.touchedRows(), changes.trainedClasses());
    }

    /** {@link #refresh(OnlineTrainer.Result)} from the input rows written and the classes trained. */
    public void refresh(int[] inputRows, int[] trainedClasses) {
        lock.writeLock().lock();
        try {
            int[] grownRows = growInput();
            copyInputRows(inputRows);
            copyInputRows(grownRows);
            HierarchicalSoftmax src = (HierarchicalSoftmax) source.output();
            if (src.mapping() != mapping) {
                output = copyOutput(src);
                mapping = src.mapping();
            } else {
                copyOutputRows(src, trainedClasses);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Copies every table again (after a swap or restore of the source, or when what changed is unknown). */
    public void refreshAll() {
        lock.writeLock().lock();
        try {
            copyEverything();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void copyEverything() {
        Tensor src = source.inputTable();
        inputStore = src.to(device);
        input = inputStore;
        HierarchicalSoftmax out = (HierarchicalSoftmax) source.output();
        mapping = out.mapping();
        output = copyOutput(out);
    }

    private HierarchicalSoftmax copyOutput(HierarchicalSoftmax src) {
        ClusterMapping m = src.mapping();
        // The parameters are views of growable stores; copy exactly the live rows the mapping describes.
        return new HierarchicalSoftmax(m, src.clusterWeight().value().narrow(0, m.clusters()).to(device),
                src.clusterBias().value().narrow(0, m.clusters()).to(device),
                src.classWeight().value().narrow(0, m.classes()).to(device),
                src.classBias().value().narrow(0, m.classes()).to(device));
    }

    /** Makes room for rows the source added (new words); returns the added row ids to copy. */
    private int[] growInput() {
        int rows = source.inputTable().size(0), have = input.size(0);
        if (rows <= have) {
            return new int[0];
        }
        if (rows > inputStore.size(0)) {
            int grown = Math.max(rows, (int) Math.min(Integer.MAX_VALUE - 8, inputStore.size(0) + (long) inputStore.size(0) / 2));
            Tensor bigger = Tensor.zeros(device, grown, source.dim());
            bigger.narrow(0, have).copyFrom(input);
            inputStore = bigger;
        }
        input = inputStore.narrow(0, rows);
        int[] added = new int[rows - have];
        Arrays.setAll(added, i -> have + i);
        return added;
    }

    private void copyInputRows(int[] rows) {
        if (rows.length > 0) {
            setRows(input, source.inputTable(), rows);
        }
    }

    private void copyOutputRows(HierarchicalSoftmax src, int[] trainedClasses) {
        if (trainedClasses.length == 0) {
            return;
        }
        ClusterMapping m = mapping;
        // Every step normalizes over all clusters: the cluster layer is copied whole (clusters ≈ √classes rows).
        output.clusterWeight().value().copyFrom(src.clusterWeight().value().narrow(0, m.clusters()));
        output.clusterBias().value().copyFrom(src.clusterBias().value().narrow(0, m.clusters()));
        int[] classes = membersOfClustersOf(m, trainedClasses);
        setRows(output.classWeight().value(), src.classWeight().value(), classes);
        setRows(output.classBias().value(), src.classBias().value(), classes);
    }

    private static int[] membersOfClustersOf(ClusterMapping m, int[] classes) {
        int[] clusters = Arrays.stream(classes).map(m::clusterOf).distinct().toArray();
        int n = 0;
        for (int c : clusters) {
            n += m.clusterSize(c);
        }
        int[] members = new int[n];
        int i = 0;
        for (int c : clusters) {
            for (int j = 0; j < m.clusterSize(c); j++) {
                members[i++] = m.member(c, j);
            }
        }
        return members;
    }

    /** target[rows] = host[rows]: gathered on the host, uploaded once, scattered on the device. */
    private void setRows(Tensor target, Tensor host, int[] rows) {
        int dim = host.size(1);
        IndexTensor ids = IndexTensor.wrap(rows, rows.length);
        Tensor gathered = Tensor.zeros(rows.length, dim);
        host.backend().embedding().gatherRows(host, ids, gathered);
        target.backend().embedding().setRows(target, ids, gathered.to(device));
    }

    @Override
    public String toString() {
        return "ClassifierReplica(" + device + ", " + input.size(0) + " input rows, " + output.classes() + " classes)";
    }
}

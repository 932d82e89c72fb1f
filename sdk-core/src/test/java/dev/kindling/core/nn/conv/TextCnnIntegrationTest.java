package dev.kindling.core.nn.conv;

import dev.kindling.core.nn.CrossEntropyCriterion;
import dev.kindling.core.nn.Linear;
import dev.kindling.core.nn.LookupTable;
import dev.kindling.core.nn.ReLU;
import dev.kindling.core.nn.Sequential;
import dev.kindling.core.nn.View;
import dev.kindling.core.optim.Adagrad;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A character-level text CNN built from the temporal modules, trained on real text that ships with
 * every JDK: the IANA time-zone city names ({@link ZoneId#getAvailableZoneIds()}, e.g. "Buenos_Aires",
 * "Ouagadougou", "Vladivostok"), labelled with their continent. Spelling carries the signal (Spanish and
 * Portuguese names in America, Slavic and Romance names in Europe, …), so the loss must go down.
 *
 * <p>LookupTable → TemporalConvolution → ReLU → TemporalKMaxPooling → FeatureLPPooling (across the
 * convolution's features) → Linear.
 */
class TextCnnIntegrationTest {

    private static final List<String> CONTINENTS = List.of("Africa", "America", "Asia", "Europe");
    private static final int LENGTH = 16;
    private static final int PAD = 0;

    record Example(int[] chars, int label, String name) {
    }

    /** Characters a–z → 1–26, space → 27, anything else → 28; padded with 0 to LENGTH. */
    static int[] encode(String name) {
        int[] ids = new int[LENGTH];
        String s = name.toLowerCase(Locale.ROOT).replace('_', ' ');
        for (int i = 0; i < Math.min(LENGTH, s.length()); i++) {
            char c = s.charAt(i);
            ids[i] = c >= 'a' && c <= 'z' ? 1 + (c - 'a') : c == ' ' ? 27 : 28;
        }
        return ids;
    }

    static List<Example> dataset() {
        Map<String, Integer> labels = new HashMap<>();
        List<String> conflicting = new ArrayList<>();
        for (String id : ZoneId.getAvailableZoneIds()) {
            int slash = id.indexOf('/');
            if (slash < 0) {
                continue;
            }
            int label = CONTINENTS.indexOf(id.substring(0, slash));
            if (label < 0) {
                continue;
            }
            String city = id.substring(id.lastIndexOf('/') + 1);
            Integer old = labels.putIfAbsent(city, label);
            if (old != null && old != label) {
                conflicting.add(city);
            }
        }
        conflicting.forEach(labels::remove);
        List<Example> out = new ArrayList<>();
        labels.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.add(new Example(encode(e.getKey()), e.getValue(), e.getKey())));
        return out;
    }

    @Test
    void textCnnLearnsContinentFromCityName() {
        List<Example> data = dataset();
        assertTrue(data.size() >= 300, "expected a few hundred zone city names, got " + data.size());
        Random rng = new Random(42);
        int dim = 16, filters = 32, k = 4;
        LookupTable embed = new LookupTable(29, dim, PAD, 0f, 2f, true, rng);
        Sequential<IndexTensor> model = new Sequential<>(embed)
                .add(new TemporalConvolution(dim, filters, 3, 1, rng))
                .add(new ReLU())
                .add(new TemporalKMaxPooling(k))
                .add(new View(-1, filters))                        // [B·k, filters]
                .add(new FeatureLPPooling(2, 2, 2f, true))          // [B·k, filters/2]
                .add(new View(-1, k * filters / 2))                 // [B, k·filters/2]
                .add(new Linear(k * filters / 2, CONTINENTS.size(), true, rng));
        CrossEntropyCriterion criterion = new CrossEntropyCriterion();
        Adagrad opt = new Adagrad(model.parameters(), 0.1f);

        int batch = 32, epochs = 12;
        double firstEpoch = 0, lastEpoch = 0;
        List<Example> order = new ArrayList<>(data);
        for (int epoch = 0; epoch < epochs; epoch++) {
            Collections.shuffle(order, rng);
            double total = 0;
            for (int start = 0; start < order.size(); start += batch) {
                List<Example> mb = order.subList(start, Math.min(order.size(), start + batch));
                IndexTensor ids = ids(mb);
                IndexTensor target = IndexTensor.of(mb.stream().mapToInt(Example::label).toArray());
                opt.zeroGrad();
                Tensor scores = model.forward(ids);
                total += criterion.forward(scores, target) * mb.size();
                model.backward(ids, criterion.backward(scores, target));
                opt.step();
            }
            double mean = total / order.size();
            if (epoch == 0) {
                firstEpoch = mean;
            }
            lastEpoch = mean;
        }
        Tensor scores = model.eval().forward(ids(data));
        int correct = 0, majority = 0;
        int[] counts = new int[CONTINENTS.size()];
        for (int i = 0; i < data.size(); i++) {
            int best = 0;
            for (int c = 1; c < CONTINENTS.size(); c++) {
                if (scores.get(i, c) > scores.get(i, best)) {
                    best = c;
                }
            }
            correct += best == data.get(i).label() ? 1 : 0;
            counts[data.get(i).label()]++;
        }
        for (int c : counts) {
            majority = Math.max(majority, c);
        }
        double accuracy = correct / (double) data.size(), baseline = majority / (double) data.size();
        String summary = String.format("%d names, mean loss epoch 1 %.3f -> epoch %d %.3f, train accuracy %.3f (majority class %.3f)",
                data.size(), firstEpoch, epochs, lastEpoch, accuracy, baseline);
        System.out.println("TextCnnIntegrationTest: " + summary);
        assertTrue(lastEpoch < 0.6 * firstEpoch, "loss did not go down enough: " + summary);
        assertTrue(accuracy > baseline + 0.15, "accuracy not clearly above the majority class: " + summary);
    }

    private static IndexTensor ids(List<Example> examples) {
        int[] flat = new int[examples.size() * LENGTH];
        for (int i = 0; i < examples.size(); i++) {
            System.arraycopy(examples.get(i).chars(), 0, flat, i * LENGTH, LENGTH);
        }
        return IndexTensor.of(flat, examples.size(), LENGTH);
    }
}

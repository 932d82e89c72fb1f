package dev.kindling.core.demo;

import dev.kindling.core.backend.Backends;
import dev.kindling.core.io.Checkpoints;
import dev.kindling.core.nn.Bags;
import dev.kindling.core.nn.CrossEntropyCriterion;
import dev.kindling.core.nn.EmbeddingBag;
import dev.kindling.core.nn.Linear;
import dev.kindling.core.nn.LookupTable;
import dev.kindling.core.nn.Sequential;
import dev.kindling.core.optim.Adagrad;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A minute with the SDK: a bag-of-words topic classifier (EmbeddingBag mean → Linear) trained with
 * sparse Adagrad on a handful of sentences, checkpointed atomically to safetensors, reloaded, and used.
 * Run with {@code ./mvnw -q -pl sdk-core compile exec:exec}.
 */
public final class QuickStartDemo {

    private static final String[][] DATA = {
            {"sport", "the striker scored a late goal and the crowd cheered"},
            {"sport", "the team won the match after extra time"},
            {"sport", "a tennis player served an ace to win the set"},
            {"sport", "the runner broke the record in the final race"},
            {"sport", "fans watched the league game in the stadium"},
            {"cooking", "simmer the onions in butter until golden"},
            {"cooking", "bake the bread in a hot oven for forty minutes"},
            {"cooking", "season the soup with salt pepper and fresh herbs"},
            {"cooking", "whisk the eggs and fold in the flour"},
            {"cooking", "roast the vegetables with garlic and olive oil"},
            {"weather", "heavy rain and strong wind are expected tonight"},
            {"weather", "a cold front brings snow to the mountains"},
            {"weather", "sunny skies and warm temperatures this weekend"},
            {"weather", "the storm weakened as it moved inland"},
            {"weather", "fog and frost in the morning then clear skies"},
            {"computing", "the compiler optimizes the loop with vector instructions"},
            {"computing", "restart the server after the memory leak is fixed"},
            {"computing", "the database index speeds up the query"},
            {"computing", "the garbage collector pauses the virtual machine"},
            {"computing", "deploy the service behind a load balancer"},
    };

    private QuickStartDemo() {
    }

    public static void main(String[] args) throws IOException {
        System.out.println("Kindling quick start - CPU kernels: " + Backends.cpu().kernels().name()
                + ", backends available: " + Backends.availableTypes() + ", unavailable: " + Backends.unavailable());
        Map<String, Integer> vocab = new HashMap<>();
        List<String> labels = new ArrayList<>();
        List<int[]> docs = new ArrayList<>();
        int[] targets = new int[DATA.length];
        for (int i = 0; i < DATA.length; i++) {
            if (!labels.contains(DATA[i][0])) {
                labels.add(DATA[i][0]);
            }
            targets[i] = labels.indexOf(DATA[i][0]);
            docs.add(ids(DATA[i][1], vocab, true));
        }
        Random rng = new Random(7);
        EmbeddingBag embeddings = new EmbeddingBag(vocab.size() + 1, 32, EmbeddingBag.Mode.MEAN, 0, rng);
        Sequential<Bags> model = new Sequential<>(embeddings).add(new Linear(32, labels.size(), true, rng));
        CrossEntropyCriterion loss = new CrossEntropyCriterion();
        Adagrad optimizer = new Adagrad(model.parameters(), 0.5f);
        Bags batch = bags(docs);
        IndexTensor target = IndexTensor.of(targets);
        for (int epoch = 1; epoch <= 40; epoch++) {
            model.zeroGradParameters();
            Tensor scores = model.forward(batch);
            float l = loss.forward(scores, target);
            model.backward(batch, loss.backward(scores, target));
            optimizer.step();
            if (epoch % 10 == 0) {
                System.out.printf(Locale.ROOT, "epoch %2d  loss %.4f%n", epoch, l);
            }
        }
        Path checkpoint = Path.of(args.length > 0 ? args[0] : "target/quickstart.safetensors");
        Checkpoints.save(model, checkpoint, Map.of("labels", String.join(",", labels)));
        Sequential<Bags> reloaded = new Sequential<>(new EmbeddingBag(vocab.size() + 1, 32, EmbeddingBag.Mode.MEAN, 0, new Random()))
                .add(new Linear(32, labels.size(), true, new Random()));
        reloaded.eval();
        Checkpoints.load(reloaded, checkpoint);
        System.out.println("checkpoint written atomically and reloaded: " + checkpoint.toAbsolutePath());
        for (String text : new String[]{"the goalkeeper saved a penalty in the match", "bake the cake with butter and eggs",
                "snow and wind in the mountains tonight", "the server ran out of memory"}) {
            Tensor s = reloaded.forward(bags(List.of(ids(text, vocab, false))));
            int best = 0;
            for (int c = 1; c < labels.size(); c++) {
                if (s.get(0, c) > s.get(0, best)) {
                    best = c;
                }
            }
            System.out.printf(Locale.ROOT, "%-48s -> %s%n", text, labels.get(best));
        }
    }

    /** Word ids; id 0 is padding/unknown. */
    private static int[] ids(String text, Map<String, Integer> vocab, boolean grow) {
        String[] words = text.toLowerCase(Locale.ROOT).split("\\W+");
        int[] out = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            out[i] = grow ? vocab.computeIfAbsent(words[i], w -> vocab.size() + 1) : vocab.getOrDefault(words[i], 0);
        }
        return out;
    }

    private static Bags bags(List<int[]> docs) {
        int total = docs.stream().mapToInt(d -> d.length).sum();
        int[] flat = new int[total];
        int[] offsets = new int[docs.size()];
        int at = 0;
        for (int d = 0; d < docs.size(); d++) {
            offsets[d] = at;
            System.arraycopy(docs.get(d), 0, flat, at, docs.get(d).length);
            at += docs.get(d).length;
        }
        return new Bags(IndexTensor.of(flat), IndexTensor.of(offsets));
    }
}

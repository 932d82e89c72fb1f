package dev.kindling.core.serving.finetune;

import dev.kindling.core.io.Safetensors;
import dev.kindling.core.serving.checkpoint.JobIds;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.text.BadLine;
import dev.kindling.core.text.LabelledLines;
import dev.kindling.core.text.SupervisedTrainer;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.TrainingArgs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the starting inputs of the file-format fuzz targets (small valid files of each kind) into the test
 * resources: {@code java -cp <test classpath> dev.kindling.core.serving.finetune.FuzzSeeds sdk-core/src/test/resources}.
 * Run once; the files are committed. Findings join them as regression inputs.
 */
public final class FuzzSeeds {

    private FuzzSeeds() {
    }

    public static void main(String[] args) throws IOException {
        Path res = Path.of(args[0]).resolve("dev/kindling/core");
        safetensors(Files.createDirectories(res.resolve("io/SafetensorsFuzzTestInputs/openAndLoad")));
        models(Files.createDirectories(res.resolve("text/TextClassifierFileFuzzTestInputs/load")));
        jobs(Files.createDirectories(res.resolve("serving/finetune/JobFilesFuzzTestInputs")));
        fastText(Files.createDirectories(res.resolve("fasttext/FastTextModelFuzzTestInputs/read")));
    }

    private static void safetensors(Path dir) throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("w", Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3));
        t.put("b", Tensor.of(new float[]{0.5f}, 1));
        Safetensors.write(dir.resolve("kindling-checksummed"), t, Map.of("format", "pt"));
        // As another tool writes it: no checksums, other dtypes.
        String header = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[1,2],\"data_offsets\":[8,12]},\"bf\":{\"dtype\":\"BF16\",\"shape\":[2],"
                + "\"data_offsets\":[12,16]},\"d\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[16,24]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 24).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).putFloat(1).putFloat(-2).putShort((short) 0x3c00).putShort((short) 0xc000)
                .putShort((short) 0x3f80).putShort((short) 0x4000).putDouble(3.5);
        Files.write(dir.resolve("other-tool-dtypes"), b.array());
    }

    private static void models(Path dir) throws IOException {
        String corpus = "__label__a red apple fruit\n__label__b blue sky cloud\n__label__c green grass field\n__label__a sweet apple\n"
                + "__label__d fast car road\n__label__b sky rain\n";
        LabelledLines.Result r = LabelledLines.read(new ByteArrayInputStream(corpus.getBytes(StandardCharsets.UTF_8)), "__label__");
        for (TrainingArgs.Loss loss : TrainingArgs.Loss.values()) {
            TrainingArgs a = TrainingArgs.defaults().withDim(2).withEpoch(1).withThread(1).withLoss(loss).withVerbose(0);
            TextClassifier m = SupervisedTrainer.train(r.lines(), a, null);
            Path tmp = dir.resolve("model.tmp");
            m.save(tmp);
            byte[] bytes = Files.readAllBytes(tmp);
            Files.delete(tmp);
            int version = ByteBuffer.wrap(bytes).getInt("KINDLING-TEXT-CLASSIFIER\n".length() + 8);
            Files.write(dir.resolve("v" + version + "-" + loss.flag()), bytes);
            if (version == 3) {   // format 4 adds header fields version 2 lacks: only a version-3 file converts
                Files.write(dir.resolve("v2-" + loss.flag()), asVersion2(bytes));
            }
        }
    }

    /** Small fastText models of each loss fastText has, with and without character n-grams (few buckets, so they stay small). */
    private static void fastText(Path dir) throws IOException {
        String corpus = "__label__a red apple fruit\n__label__b blue sky cloud\n__label__c green grass field\n__label__a sweet apple\n";
        LabelledLines.Result r = LabelledLines.read(new ByteArrayInputStream(corpus.getBytes(StandardCharsets.UTF_8)), "__label__");
        for (TrainingArgs.Loss loss : new TrainingArgs.Loss[]{TrainingArgs.Loss.SOFTMAX, TrainingArgs.Loss.HS, TrainingArgs.Loss.NS,
                TrainingArgs.Loss.OVA}) {
            TrainingArgs a = TrainingArgs.defaults().withDim(2).withEpoch(1).withThread(1).withLoss(loss).withVerbose(0)
                    .withTree(TrainingArgs.Tree.HUFFMAN);
            dev.kindling.core.fasttext.FastTextModelWriter.write(SupervisedTrainer.train(r.lines(), a, null),
                    dir.resolve("words-" + loss.flag()));
        }
        TrainingArgs sub = TrainingArgs.defaults().withDim(2).withEpoch(1).withThread(1).withVerbose(0).withMinn(2).withMaxn(3)
                .withBucket(8).withWordNgrams(2);
        dev.kindling.core.fasttext.FastTextModelWriter.write(SupervisedTrainer.train(r.lines(), sub, null), dir.resolve("subwords-softmax"));
    }

    /** The same model as format version 2: no checksum footer, so a mutated header is parsed instead of refused by its CRC. */
    static byte[] asVersion2(byte[] v3) {
        ByteBuffer footer = ByteBuffer.wrap(v3).order(ByteOrder.LITTLE_ENDIAN);
        int tensors = footer.getInt(v3.length - 12);
        byte[] v2 = Arrays.copyOf(v3, v3.length - 16 - 4 * tensors);
        int versionAt = "KINDLING-TEXT-CLASSIFIER\n".length() + 8;
        ByteBuffer.wrap(v2).putInt(versionAt, 2);
        return v2;
    }

    private static void jobs(Path dir) throws IOException {
        Path examples = Files.createDirectories(dir.resolve("examplesFile"));
        JobExamplesFile.write(examples.resolve("two-examples"), List.of(LabelledExample.of("a red apple", "fruit"),
                new LabelledExample("sky", List.of("weather", "blue"))));
        Path records = Files.createDirectories(dir.resolve("jobRecord"));
        String id = JobIds.next();
        JobRecord accepted = JobRecord.accepted(id, "products", 2, List.of(new BadLine(3, "no label")), 1);
        Files.write(records.resolve("accepted"), accepted.encode());
        Files.write(records.resolve("finished"), accepted.withCancelRequested()
                .finishedAs(FineTuneJob.State.CANCELLED, 1, 0.25, "cancelled", java.time.Instant.now()).encode());
    }
}

package dev.kindling.core.fasttext;

import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.text.PretrainedVectors;
import dev.kindling.core.text.TextClassifier;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * fastText's text word-vector format ({@code .vec}): a first line with the word count and the dimension,
 * then one line per word: the word and its values. Written from a classifier's input table (a word's
 * vector is the mean of its row and its character n-gram rows, as fastText computes it); read for
 * {@code -pretrainedVectors}.
 */
public final class WordVectors {

    private WordVectors() {
    }

    /** Writes every active word's vector, five significant digits per value as fastText prints them. */
    public static void write(TextClassifier model, Path file) throws IOException {
        var d = model.dictionary();
        int dim = model.dim();
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < d.wordCount(); id++) {
            if (d.isActive(id)) {
                ids.add(id);
            }
        }
        Tensor v = Tensor.zeros(1, dim);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(ids.size() + " " + dim + "\n");
            StringBuilder line = new StringBuilder();
            for (int id : ids) {
                model.hidden(d.inputRows(List.of(d.word(id)), false), v.segment(), v.offset());
                line.setLength(0);
                line.append(d.word(id)).append(' ');
                for (int j = 0; j < dim; j++) {
                    line.append(CNumber.significant(v.getFlat(j), 5)).append(' ');
                }
                w.write(line.append('\n').toString());
            }
        }
    }

    /** Reads a {@code .vec} file whose vectors have {@code dim} values; a mismatch or a malformed line is an error naming the line. */
    public static PretrainedVectors read(Path file, int dim) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            String[] h = header == null ? new String[0] : header.trim().split("\\s+");
            long n;
            int fileDim;
            try {
                n = Long.parseLong(h[0]);
                fileDim = Integer.parseInt(h[1]);
            } catch (RuntimeException e) {
                throw new IOException(file + ": the first line must be '<word count> <dimension>', got '" + header + "'");
            }
            if (fileDim != dim) {
                throw new IOException(file + ": its vectors have " + fileDim + " values but the model's -dim is " + dim);
            }
            if (n < 0 || n > Files.size(file) / (dim + 1)) {
                throw new IOException(file + ": the first line claims " + n + " words, more than the file can hold");
            }
            List<String> words = new ArrayList<>((int) n);
            float[] values = new float[Math.multiplyExact((int) n, dim)];
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < n; i++) {
                String line = r.readLine();
                if (line == null) {
                    throw new IOException(file + ": ends after " + i + " of the " + n + " words its first line announces");
                }
                String[] t = line.trim().split(" ");
                if (t.length != dim + 1) {
                    throw new IOException(file + " line " + (i + 2) + ": expected a word and " + dim + " values, got " + (t.length - 1)
                            + " values");
                }
                try {
                    for (int j = 0; j < dim; j++) {
                        values[i * dim + j] = Float.parseFloat(t[j + 1]);
                    }
                } catch (NumberFormatException e) {
                    throw new IOException(file + " line " + (i + 2) + ": not a number: " + e.getMessage());
                }
                if (seen.add(t[0])) {
                    words.add(t[0]);
                } else {
                    throw new IOException(file + " line " + (i + 2) + ": the word '" + t[0] + "' appears twice");
                }
            }
            return new PretrainedVectors(words, values, dim);
        }
    }
}

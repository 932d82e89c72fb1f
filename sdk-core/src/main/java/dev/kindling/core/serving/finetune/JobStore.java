package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.checkpoint.JobIds;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The stored jobs of one model, one directory each under {@code <data>/<model>/jobs/}:
 * <pre>
 *   &lt;id&gt;/job.properties     the job's {@link JobRecord}, rewritten atomically on every change of state
 *   &lt;id&gt;/examples.bin       its parsed examples ({@link JobExamplesFile}), deleted once the job finished
 *   .incoming-&lt;id&gt;/          a job being accepted; renamed to &lt;id&gt; (atomically) once both files are durable
 *   .deleted-&lt;id&gt;/           a forgotten job being deleted
 *   &lt;id&gt;.corrupt/           a job directory whose record could not be read, set aside for inspection
 * </pre>
 * A job exists exactly when its directory does, and that directory appears in one rename after its
 * files are on disk, so a crash while accepting leaves only an {@code .incoming-} directory (the job was
 * never acknowledged), which {@link #recover} removes.
 */
final class JobStore implements JobRecordSink {

    private static final System.Logger log = System.getLogger(JobStore.class.getName());
    static final String RECORD = "job.properties";
    static final String EXAMPLES = "examples.bin";
    private static final String INCOMING = ".incoming-";
    private static final String DELETED = ".deleted-";
    static final String CORRUPT = ".corrupt";

    private final Path dir;

    JobStore(Path dir) throws IOException {
        this.dir = dir;
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            AtomicFiles.forceDirectory(dir.toAbsolutePath().getParent());
        }
    }

    Path directory() {
        return dir;
    }

    /** Stores a new job durably: when this returns, the job survives a crash. */
    void create(JobRecord record, List<LabelledExample> examples) throws IOException {
        Path staging = dir.resolve(INCOMING + record.id());
        Path target = dir.resolve(record.id());
        try {
            Files.createDirectory(staging);
            JobExamplesFile.write(staging.resolve(EXAMPLES), examples);
            AtomicFiles.write(staging.resolve(RECORD), record.encode());
            move(staging, target);
            AtomicFiles.forceDirectory(dir);
        } catch (IOException | RuntimeException e) {
            try {
                deleteTree(staging);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Replaces a job's record atomically. */
    @Override
    public void save(JobRecord record) throws IOException {
        Path jobDir = dir.resolve(record.id());
        if (!Files.isDirectory(jobDir)) {
            throw new NoSuchFileException(jobDir.toString(), null, "the job's directory is gone");
        }
        AtomicFiles.write(jobDir.resolve(RECORD), record.encode());
    }

    /** The job's examples, checked whole. */
    List<LabelledExample> examples(String id) throws IOException {
        Path file = dir.resolve(id).resolve(EXAMPLES);
        if (!Files.isRegularFile(file)) {
            throw new JobFormatException(file + " is missing");
        }
        return JobExamplesFile.read(file);
    }

    /** Drops the examples of a finished job (its record stays for status queries). */
    void dropExamples(String id) throws IOException {
        Files.deleteIfExists(dir.resolve(id).resolve(EXAMPLES));
    }

    /** Deletes a job: first renamed away (atomically, so no half-deleted job is ever read back), then removed. */
    void delete(String id) throws IOException {
        Path jobDir = dir.resolve(id);
        if (!Files.exists(jobDir)) {
            return;
        }
        Path doomed = dir.resolve(DELETED + id);
        move(jobDir, doomed);
        AtomicFiles.forceDirectory(dir);
        deleteTree(doomed);
    }

    /**
     * Reads every stored job, cleaning up after crashes: unfinished accepts and deletes are removed,
     * temporary files of interrupted record writes too, examples of finished jobs dropped; a directory
     * whose record cannot be read is logged and set aside as {@code <id>.corrupt} (never resumed, so none
     * of its examples is trained twice).
     */
    List<JobRecord> recover(String model) throws IOException {
        List<JobRecord> records = new ArrayList<>();
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.sorted().toList();
        }
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (name.startsWith(INCOMING)) {
                log.log(System.Logger.Level.WARNING, "model " + model + ": removing " + p + ", a job upload that was interrupted before it was accepted");
                deleteTree(p);
            } else if (name.startsWith(DELETED)) {
                deleteTree(p);
            } else if (name.endsWith(CORRUPT)) {
                log.log(System.Logger.Level.WARNING, "model " + model + ": " + p + " holds a damaged job set aside earlier; it is not run (delete it when inspected)");
            } else if (JobIds.isValid(name) && Files.isDirectory(p)) {
                JobRecord r = readRecord(p, name, model);
                if (r != null) {
                    records.add(r);
                }
            } else {
                log.log(System.Logger.Level.WARNING, "model " + model + ": ignoring " + p + " in the jobs directory (not a job)");
            }
        }
        return records;
    }

    private JobRecord readRecord(Path jobDir, String id, String model) throws IOException {
        deleteTemporaryFiles(jobDir);
        Path file = jobDir.resolve(RECORD);
        JobRecord r;
        try {
            if (!Files.isRegularFile(file)) {
                throw new JobFormatException(file + " is missing");
            }
            r = JobRecord.decode(Files.readAllBytes(file), file.toString());
            if (!r.id().equals(id) || !r.model().equals(model)) {
                throw new JobFormatException(file + " describes job " + r.id() + " of model " + r.model() + ", not job " + id
                        + " of model " + model);
            }
        } catch (JobFormatException e) {
            Path aside = dir.resolve(id + CORRUPT);
            deleteTree(aside);
            move(jobDir, aside);
            AtomicFiles.forceDirectory(dir);
            log.log(System.Logger.Level.ERROR, "model " + model + ": job " + id + " cannot be read and is not resumed (" + e.getMessage() + "); its directory was moved to " + aside);
            return null;
        }
        if (r.finished()) {
            dropExamples(id);   // a crash may have come between recording the end and dropping them
        }
        return r;
    }

    private static void deleteTemporaryFiles(Path jobDir) throws IOException {
        try (Stream<Path> s = Files.list(jobDir)) {
            for (Path f : s.toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith(".") && n.contains(".tmp-")) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + from.getParent() + " cannot rename atomically; refusing to store jobs there", e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Oldest first. */
    static final Comparator<JobRecord> BY_CREATION = Comparator.comparing(JobRecord::createdAt).thenComparing(JobRecord::id);
}

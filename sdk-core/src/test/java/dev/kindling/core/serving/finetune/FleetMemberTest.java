package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.log.ExampleCodec;
import dev.kindling.core.serving.log.FleetCheckpoint;
import dev.kindling.core.serving.log.FleetReplica;
import dev.kindling.core.serving.log.FleetUpdate;
import dev.kindling.core.serving.log.LoggedRecord;
import dev.kindling.core.serving.log.PoisonRecordQuarantine;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ModelSettings;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.text.TrainingArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet's learning without a broker: a trainer's published updates make a follower equal (version and digest),
 * updates already held are passed over, a gap or a differing digest is a divergence, and a checkpoint repairs it.
 */
class FleetMemberTest {

    @TempDir
    Path dir;

    private FleetMember member(String name) {
        ServedModel m = new ServedModel("topics", ModelSettings.builder("topics").build(), TestModels.train(TrainingArgs.Loss.HSM));
        FineTuningSettings s = FineTuningSettings.builder().batchSize(4).learningRate(0.3f).build();
        return new FleetMember(m, s, new PoisonRecordQuarantine(dir.resolve(name), "topics"), null, job -> false);
    }

    private static List<LoggedRecord> records(long first, int n) {
        List<LoggedRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new LoggedRecord(first + i, ExampleCodec.encode(LabelledExample.of("powder slope lift chair " + (first + i), "skiing"))));
        }
        return out;
    }

    private static ServedModel model(FleetMember m) {
        return ((ServedModel) readField(m));
    }

    private static Object readField(FleetMember m) {
        try {
            var f = FleetMember.class.getDeclaredField("model");
            f.setAccessible(true);
            return f.get(m);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aFollowerTakingTheTrainersUpdatesHoldsTheSameParameters() {
        FleetMember trainer = member("a"), follower = member("b");
        List<byte[]> updates = new ArrayList<>(trainer.train(records(1, 10)));
        assertEquals(3, updates.size(), "rounds of at most 4 examples");
        updates.add(trainer.digestUpdate());
        for (byte[] u : updates) {
            assertEquals(FleetReplica.Outcome.HELD, trainer.apply(u), "the trainer holds its own updates");
            assertTrue(follower.apply(u) != FleetReplica.Outcome.DIVERGED);
        }
        assertNull(trainer.digestUpdate(), "the digest of this version was stated");
        ServedModel a = model(trainer), b = model(follower);
        assertEquals(10, b.appliedSequence());
        assertEquals(10, b.examplesApplied());
        assertEquals(a.version(), b.version());
        assertEquals(a.digest().digest(), b.digest().digest());
        assertEquals("skiing", b.classify("powder slope lift chair", 1).labels().get(0).label());
    }

    @Test
    void recordsAlreadyHeldAreNotTrainedAgain() {
        FleetMember trainer = member("a");
        trainer.train(records(1, 6));
        long version = model(trainer).version();
        assertTrue(trainer.train(records(1, 6)).isEmpty(), "a redelivered batch trains nothing");
        assertEquals(version, model(trainer).version());
        assertEquals(6, model(trainer).examplesApplied());
    }

    @Test
    void aGapOrADifferentDigestIsADivergenceAndACheckpointRepairsIt() throws Exception {
        FleetMember trainer = member("a"), follower = member("b");
        List<byte[]> first = trainer.train(records(1, 4));
        List<byte[]> second = trainer.train(records(5, 4));
        assertEquals(FleetReplica.Outcome.DIVERGED, follower.apply(second.get(0)), "sequences 1..4 are missing");
        assertNotNull(follower.divergence());
        assertThrows(IllegalStateException.class, () -> follower.train(records(9, 1)), "a diverged replica does not train");

        Path file = dir.resolve("checkpoint.bin");
        FleetCheckpoint cp = FleetCheckpoint.decode(trainer.checkpoint(file).withPlacement(7, "here").encode());
        follower.restore(file, cp);
        assertFalse(follower.diverged());
        assertEquals(model(trainer).digest().digest(), model(follower).digest().digest());
        assertEquals(model(trainer).version(), model(follower).version());
        assertEquals(FleetReplica.Outcome.HELD, follower.apply(first.get(0)), "the checkpoint holds the older updates");

        FleetMember other = member("c");
        byte[] wrongDigest = FleetUpdate.digestOnly(0, model(other).version(), "00000000").encode();
        assertEquals(FleetReplica.Outcome.DIVERGED, other.apply(wrongDigest));
    }

    @Test
    void aPoisonRecordIsSetAsideAndEveryReplicaMovesPastIt() {
        FleetMember trainer = member("a"), follower = member("b");
        List<LoggedRecord> rs = new ArrayList<>(records(1, 2));
        rs.add(new LoggedRecord(3, new byte[]{9, 9, 9}));
        rs.addAll(records(4, 2));
        List<byte[]> updates = trainer.train(rs);
        assertEquals(3, updates.size(), "two rounds around the skip");
        for (byte[] u : updates) {
            assertEquals(FleetReplica.Outcome.APPLIED, follower.apply(u));
        }
        assertEquals(5, model(follower).appliedSequence());
        assertEquals(4, model(follower).examplesApplied());
        assertEquals(model(trainer).digest().digest(), model(follower).digest().digest());
    }

    @Test
    void updatesRoundTripTheirEncoding() {
        FleetMember trainer = member("a");
        byte[] bytes = trainer.train(records(1, 3)).get(0);
        FleetUpdate u = FleetUpdate.decode(bytes);
        assertEquals(0, u.afterSequence());
        assertEquals(3, u.lastSequence());
        assertArrayEquals(bytes, u.encode());
        bytes[bytes.length / 2] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> FleetUpdate.decode(bytes));
    }

    @Test
    void anHsModelIsRefusedWithAClearMessage() {
        ServedModel m = new ServedModel("topics", ModelSettings.builder("topics").build(), TestModels.train(TrainingArgs.Loss.HS));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new FleetMember(m, FineTuningSettings.defaults(),
                new PoisonRecordQuarantine(dir, "topics"), null, j -> false));
        assertTrue(e.getMessage().contains("-loss hsm"), e.getMessage());
    }
}

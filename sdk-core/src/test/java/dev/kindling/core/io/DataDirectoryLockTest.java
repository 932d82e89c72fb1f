package dev.kindling.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data-directory lock within one JVM (the starter's tests take it from a second, real process). */
class DataDirectoryLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondLockInTheSameProcessIsRefusedNamingDirectoryAndPid() throws IOException {
        long self = ProcessHandle.current().pid();
        try (DataDirectoryLock held = DataDirectoryLock.acquire(dir)) {
            assertEquals("pid=" + self, Files.readAllLines(dir.resolve(DataDirectoryLock.FILE)).getFirst());
            DataDirectoryInUseException e = assertThrows(DataDirectoryInUseException.class, () -> DataDirectoryLock.acquire(dir));
            assertEquals(dir.toRealPath(), e.directory());
            assertEquals(self, e.holderPid());
            assertTrue(e.getMessage().contains(dir.toRealPath().toString()) && e.getMessage().contains("pid " + self), e.getMessage());
            assertThrows(DataDirectoryInUseException.class, () -> DataDirectoryLock.acquire(dir.resolve(".").resolve("")),
                    "another spelling of the same directory");
        }
        try (DataDirectoryLock again = DataDirectoryLock.acquire(dir)) {
            assertEquals(dir.toRealPath(), again.directory(), "released on close");
        }
    }

    /** A lock some other code of this JVM took on the file: OverlappingFileLockException becomes the same clear error. */
    @Test
    void aLockHeldThroughAnotherChannelIsTheSameClearError() throws IOException {
        Files.createDirectories(dir);
        try (FileChannel other = FileChannel.open(dir.resolve(DataDirectoryLock.FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = other.lock()) {
            DataDirectoryInUseException e = assertThrows(DataDirectoryInUseException.class, () -> DataDirectoryLock.acquire(dir));
            assertTrue(e.getMessage().contains("already in use by this process"), e.getMessage());
        }
        try (DataDirectoryLock held = DataDirectoryLock.acquire(dir)) {
            assertEquals(dir.toRealPath(), held.directory());
        }
    }
}

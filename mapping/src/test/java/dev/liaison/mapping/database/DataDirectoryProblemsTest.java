package dev.liaison.mapping.database;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A data directory the embedded database cannot use is refused saying why in words, before any server starts. */
class DataDirectoryProblemsTest {

    @TempDir
    Path work;

    @Test
    void aFileWhereTheDataDirectoryShouldBeIsNotADirectory() throws IOException {
        Path file = Files.writeString(work.resolve("data"), "not a directory");
        var e = assertThrows(DatabaseUnavailableException.class,
                () -> EmbeddedPostgresServer.acquire(file, EmbeddedPostgresServer.Ownership.SHARED, Duration.ofSeconds(1)));
        assertEquals("cannot use the data directory " + file + ": " + file + " is not a directory", e.getMessage());
    }

    @Test
    void aFileInTheDataDirectorysPathIsNamed() throws IOException {
        Path file = Files.writeString(work.resolve("file"), "x");
        Path dir = file.resolve("data");
        var e = assertThrows(DatabaseUnavailableException.class,
                () -> EmbeddedPostgresServer.acquire(dir, EmbeddedPostgresServer.Ownership.SHARED, Duration.ofSeconds(1)));
        assertEquals("cannot use the data directory " + dir + ": " + dir + ": a part of that path is a file, not a"
                + " directory", e.getMessage());
    }

    /** Permission denied is among these: the machines that run the tests run them as root, who may write anywhere. */
    @Test
    void theWordsForEachProblem() {
        assertEquals("/x does not exist", FileProblems.why(new NoSuchFileException("/x")));
        assertEquals("permission denied on /x", FileProblems.why(new AccessDeniedException("/x")));
        assertEquals("/x is not a directory", FileProblems.why(new java.nio.file.NotDirectoryException("/x")));
        assertEquals("/x is not a directory", FileProblems.whyDirectory(new java.nio.file.FileAlreadyExistsException("/x")));
        assertEquals("/x: Read-only file system", FileProblems.why(new java.nio.file.FileSystemException("/x", null,
                "Read-only file system")));
    }
}

package dev.liaison.gateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An embedded data directory restored without {@code postgres.secret}: the command says so in one
 * line and exits 2 (configuration: the administrator restores a file), not 3 (database unavailable,
 * after a minute's wait) as before.
 */
class PostgresSecretCliTest {

    @TempDir
    Path dir;

    @Test
    void aMissingSecretIsAConfigurationErrorNamingTheFile() throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, run("user", "list", "--data-dir", data.toString()).code);
        Files.delete(data.resolve("postgres.secret"));
        Run missing = run("user", "list", "--data-dir", data.toString());
        assertEquals(ErrorReporter.CONFIGURATION, missing.code, missing.output);
        assertTrue(missing.output.startsWith("liaison: " + data.toAbsolutePath().normalize().resolve("postgres.secret")
                + " is missing, but "), missing.output);
        assertTrue(missing.output.contains("restore postgres.secret from the backup"), missing.output);
        assertEquals(1, missing.output.lines().count(), missing.output);
        assertFalse(Files.exists(data.resolve("postgres.secret")));
    }

    private record Run(int code, String output) {
    }

    private static Run run(String... args) {
        InProcessCli.Run run = InProcessCli.capture("", args);
        return new Run(run.code(), run.output());
    }
}

package dev.liaison.gateway.cli;

import dev.liaison.gateway.Liaison;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
        PrintStream out = System.out;
        PrintStream err = System.err;
        InputStream in = System.in;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(new byte[0]));
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            int code = Liaison.run(args);
            return new Run(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
    }
}

package dev.liaison.gateway.cli;

import dev.liaison.gateway.Liaison;
import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.PoolSettings;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code liaison …} run in this JVM as an administrator runs it, against a database on the test
 * server (one JVM, no jar: for commands whose answer is all a test needs).
 */
final class InProcessCli {

    /** What a command printed (stdout and stderr together) and returned. */
    record Run(int code, String output) {
    }

    private final DatabaseLocation.External db;
    private final Path dataDir;
    private final String domain;

    InProcessCli(DatabaseLocation.External db, Path dataDir, String domain) {
        this.db = db;
        this.dataDir = dataDir;
        this.domain = domain;
    }

    /** The same database, opened by the test, with the mapping schema migrated. */
    Database open() {
        Database database = Database.open(db, new PoolSettings("test", 2, Duration.ofSeconds(10)));
        database.migrate(MappingSchema.SCHEMA);
        return database;
    }

    Run run(String... command) {
        String[] args = new String[command.length + 5];
        System.arraycopy(command, 0, args, 0, command.length);
        int i = command.length;
        args[i++] = "--data-dir=" + dataDir;
        args[i++] = "--domain=" + domain;
        args[i++] = "--database.url=" + db.url();
        args[i++] = "--database.user=" + db.user();
        args[i] = "--database.password=" + db.password();
        PrintStream original = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
            int code = Liaison.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
            System.setErr(originalErr);
        }
    }
}

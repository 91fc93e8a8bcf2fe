package dev.liaison.gateway.cli;

import dev.liaison.gateway.Liaison;
import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.PoolSettings;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code liaison …} run in this JVM as an administrator runs it, against a database on the test
 * server (one JVM, no jar: for commands whose answer is all a test needs).
 */
public final class InProcessCli {

    /** What a command printed (stdout and stderr together) and returned. */
    public record Run(int code, String output) {
    }

    private final DatabaseLocation.External db;
    private final Path dataDir;
    private final String domain;

    public InProcessCli(DatabaseLocation.External db, Path dataDir, String domain) {
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

    public Run run(String... command) {
        return runWithInput("", command);
    }

    /** {@link #run}, with {@code stdin} as the command's standard input (for --password-stdin). */
    Run runWithInput(String stdin, String... command) {
        // the common options go before a "--" that ends the command's own (user add -- -x)
        List<String> args = new ArrayList<>(List.of(command));
        int at = args.contains("--") ? args.indexOf("--") : args.size();
        args.addAll(at, List.of("--data-dir=" + dataDir, "--domain=" + domain, "--database.url=" + db.url(),
                "--database.user=" + db.user(), "--database.password=" + db.password()));
        return capture(stdin, args.toArray(String[]::new));
    }

    /**
     * {@code liaison args} in this JVM with {@code stdin}, what it printed to stdout and stderr
     * together. Stderr is the process's: lines the fuzz tests' agent writes there when it instruments
     * a class the command loads ({@code INFO: Instrumented …}) are left out, they are not the command's.
     */
    public static Run capture(String stdin, String... args) {
        PrintStream original = System.out;
        PrintStream originalErr = System.err;
        InputStream originalIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
            int code = Liaison.run(args);
            String printed = out.toString(StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.startsWith("INFO: Instrumented "))
                    .map(line -> line + "\n").collect(java.util.stream.Collectors.joining());
            return new Run(code, printed);
        } finally {
            System.setOut(original);
            System.setErr(originalErr);
            System.setIn(originalIn);
        }
    }
}

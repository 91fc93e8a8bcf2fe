package dev.liaison.gateway.backup;

import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.Schema;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code liaison backup}: every Liaison schema's rows, as one snapshot of a running or stopped
 * database, into one file: a ZIP (each entry's CRC tells a damaged file) of a {@link BackupHeader},
 * each table's rows in PostgreSQL's COPY text format (which every PostgreSQL version since reads,
 * so a backup of the embedded 18 loads into an older external server), and an {@link #END} entry
 * with every table's row count. The data directory's files (keys/kek, tls/) are not in it.
 */
public final class DatabaseBackup {

    /** The last entry: one {@code rows TABLE COUNT} line per table, so a restore knows it read all. */
    static final String END = "end";
    static final String DATA_SUFFIX = ".copy";

    /** What was written. */
    public record Written(Path file, Map<String, String> versions, int tables, long rows, long bytes) {
    }

    private DatabaseBackup() {
    }

    /**
     * Writes the backup next to {@code file} and moves it there once whole and on disk (an existing
     * backup is replaced only by a complete one). The file is its owner's only (0600) from the
     * start: it holds the users' mail and password hashes.
     */
    public static Written write(Database database, List<Schema> schemas, Path file) {
        Path target = file.toAbsolutePath().normalize();
        Path partial = null;
        try {
            partial = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".partial",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Path into = partial;
            Written written = database.inTransaction(c -> snapshot(c, schemas, into, target));
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the backup " + target + ": " + e.getMessage()
                    + " (check that its directory exists, is writable and has room)", e);
        } finally {
            deleteQuietly(partial);
        }
    }

    private static Written snapshot(Connection c, List<Schema> schemas, Path into, Path target)
            throws SQLException, IOException {
        try (Statement s = c.createStatement()) {
            // one snapshot for every table, as pg_dump takes; read only, so it blocks no writer
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        }
        Map<String, String> versions = versions(c, schemas); // the first query: the snapshot is taken here
        // sequences are read after it, so each is at least as far as any row the snapshot shows
        SchemaContents contents = SchemaContents.read(c, schemas);
        lock(c, contents, "ACCESS SHARE"); // as pg_dump: no migration may alter a table while it is read
        BackupHeader header = new BackupHeader(Instant.now(), versions, contents.tables(), contents.sequences());
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        Map<String, Long> rows = new LinkedHashMap<>();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(into), 1 << 16);
             ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setLevel(Deflater.BEST_SPEED); // a running server shares the CPU; text and hex compress well even so
            entry(zip, BackupHeader.ENTRY, header.text());
            for (SchemaContents.Table table : contents.tables()) {
                zip.putNextEntry(new ZipEntry(table.name() + DATA_SUFFIX));
                rows.put(table.name(), copy.copyOut("COPY " + table.name() + " (" + table.columns() + ") TO STDOUT", zip));
                zip.closeEntry();
            }
            entry(zip, END, rows.entrySet().stream().map(e -> "rows\t" + e.getKey() + "\t" + e.getValue() + "\n")
                    .collect(Collectors.joining()));
        }
        return new Written(target, versions, rows.size(), rows.values().stream().mapToLong(Long::longValue).sum(),
                Files.size(into));
    }

    /** Each schema's Flyway version, for the schemas the database has. */
    static Map<String, String> versions(Connection c, List<Schema> schemas) throws SQLException {
        Map<String, String> versions = new LinkedHashMap<>();
        for (Schema schema : schemas) {
            // schema names are checked (Schema's pattern): safe to name in SQL
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT to_regclass('" + schema.name() + ".flyway_history') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    continue;
                }
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT version FROM " + schema.name() + ".flyway_history"
                         + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
                if (rs.next()) {
                    versions.put(schema.name(), rs.getString(1));
                }
            }
        }
        return versions;
    }

    /** Locks every table of {@code contents} in {@code mode} until the transaction ends. */
    static void lock(Connection c, SchemaContents contents, String mode) throws SQLException {
        if (contents.tables().isEmpty()) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE " + contents.tables().stream().map(SchemaContents.Table::name)
                    .collect(Collectors.joining(", ")) + " IN " + mode + " MODE");
        }
    }

    private static void entry(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a hidden .partial file left behind; the next backup does not read it
        }
    }
}

package dev.liaison.gateway.backup;

import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.DatabaseUnavailableException;
import dev.liaison.mapping.database.Schema;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * {@code liaison restore}: a {@link DatabaseBackup} into an empty database. The schemas are
 * migrated to the backup's versions (this release's, or an earlier release's: never a newer one's);
 * then every table is loaded
 * (COPY, in the header's order, which puts each after the tables its foreign keys name) and the
 * sequences set, in one transaction: a damaged file, a refused row or a failure of any kind leaves
 * the tables empty. Statements are built from this database's catalog, never from the file, whose
 * lists must match it. Last, the schemas are migrated to this release's versions, as an upgrade
 * from the release that took the backup would.
 */
public final class DatabaseRestore {

    /** The pool name (and so the application name) of a restore's connections. */
    public static final String POOL = "liaison-restore";

    /** What was restored. */
    public record Restored(Instant taken, Map<String, String> versions, int tables, long rows) {
    }

    private DatabaseRestore() {
    }

    public static Restored restore(Database database, List<Schema> schemas, Path file) {
        BackupHeader header = readHeader(file);
        refuseOtherConnections(database);
        refuseOtherVersions(database, schemas, header);
        database.inAutocommit(c -> {
            refuseRows(c, SchemaContents.read(c, schemas), schemas); // before migrating: a wrong database is left as it was
            return null;
        });
        List<Schema> inBackup = schemas.stream().filter(s -> header.versions().containsKey(s.name())).toList();
        // the tables as the release that took the backup had them; after the load, the rest of the way
        inBackup.forEach(s -> database.migrateTo(s, header.versions().get(s.name())));
        Restored restored = database.inTransaction(c -> load(c, inBackup, header, file));
        try {
            schemas.forEach(database::migrate);
        } catch (RuntimeException e) {
            throw new DatabaseUnavailableException("the backup (taken " + header.taken() + ") was restored as the"
                    + " release that took it had its schemas (" + header.versions() + "), but migrating it on to this"
                    + " release's failed: " + e.getMessage() + ". The database holds the backup at those versions:"
                    + " start the release that took it on this database, or drop the schemas and restore with that"
                    + " release; nothing else was changed", e);
        }
        return restored;
    }

    private static Restored load(Connection c, List<Schema> schemas, BackupHeader header, Path file) throws SQLException {
        SchemaContents here = SchemaContents.read(c, schemas);
        if (!here.tables().equals(header.tables()) || !here.sequences().keySet().equals(header.sequences().keySet())) {
            throw new DamagedBackupException("its tables or columns are not those of the schemas at its versions"
                    + " (altered by hand?)");
        }
        DatabaseBackup.lock(c, here, "EXCLUSIVE"); // no other writer until the commit (a server started meanwhile)
        refuseRows(c, here, schemas);
        Map<String, Long> loaded = new LinkedHashMap<>();
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        try (ZipInputStream zip = open(file)) {
            zip.getNextEntry(); // the header, read already
            for (SchemaContents.Table table : here.tables()) {
                ZipEntry entry = zip.getNextEntry();
                if (entry == null || !entry.getName().equals(table.name() + DatabaseBackup.DATA_SUFFIX)) {
                    throw new DamagedBackupException("it ends, or goes on with something else, where the rows of "
                            + table.name() + " should be");
                }
                loaded.put(table.name(), loadTable(copy, table, zip));
            }
            ZipEntry end = zip.getNextEntry();
            if (end == null || !end.getName().equals(DatabaseBackup.END)) {
                throw new DamagedBackupException("it ends before its last entry (cut short?)");
            }
            Map<String, Long> written = rowCounts(zip);
            if (!written.equals(loaded)) {
                throw new DamagedBackupException("its tables held " + written + " rows when it was written, but "
                        + loaded + " were read");
            }
        } catch (IOException e) {
            throw damaged(e);
        }
        setSequences(c, header.sequences());
        return new Restored(header.taken(), header.versions(), loaded.size(),
                loaded.values().stream().mapToLong(Long::longValue).sum());
    }

    private static long loadTable(CopyManager copy, SchemaContents.Table table, ZipInputStream zip)
            throws SQLException, IOException {
        try {
            return copy.copyIn("COPY " + table.name() + " (" + table.columns() + ") FROM STDIN", zip);
        } catch (SQLException e) {
            if (e.getSQLState() != null && (e.getSQLState().startsWith("22") || e.getSQLState().startsWith("23"))) {
                // bad data or a broken constraint: the file, not the database
                throw new DamagedBackupException("the rows of " + table.name() + " do not load: " + e.getMessage());
            }
            throw e;
        }
    }

    private static BackupHeader readHeader(Path file) {
        try (ZipInputStream zip = open(file)) {
            ZipEntry first = zip.getNextEntry();
            if (first == null || !first.getName().equals(BackupHeader.ENTRY)) {
                throw new DamagedBackupException("it is not a Liaison backup (no header entry)");
            }
            return BackupHeader.parse(zip);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("backup file " + file + " does not exist", e);
        } catch (IOException e) {
            throw damaged(e);
        }
    }

    private static ZipInputStream open(Path file) throws IOException {
        return new ZipInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }

    private static DamagedBackupException damaged(IOException e) {
        return new DamagedBackupException("it cannot be read whole: " + e.getMessage() + " (cut short or altered?)");
    }

    private static Map<String, Long> rowCounts(ZipInputStream zip) throws IOException {
        Map<String, Long> counts = new LinkedHashMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(zip, StandardCharsets.UTF_8));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            String[] f = line.split("\t", -1);
            if (f.length != 3 || !f[0].equals("rows")) {
                throw new DamagedBackupException("its last entry has a garbled line");
            }
            try {
                counts.put(f[1], Long.valueOf(f[2]));
            } catch (NumberFormatException e) {
                throw new DamagedBackupException("its last entry has a garbled count");
            }
        }
        return counts;
    }

    /**
     * Another client on this database is most likely a running {@code liaison serve} (its
     * connections are named {@code liaison}): a restore under it would mix its writes with the backup's.
     */
    private static void refuseOtherConnections(Database database) {
        List<String> others = database.inAutocommit(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT coalesce(nullif(application_name, ''), 'a client')"
                    + " || coalesce(' from ' || host(client_addr), '') || ' (' || count(*) || ')'"
                    + " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    + " AND backend_type = 'client backend' AND application_name IS DISTINCT FROM ?"
                    + " GROUP BY application_name, client_addr ORDER BY 1")) {
                s.setString(1, POOL);
                List<String> found = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                }
                return found;
            }
        });
        if (!others.isEmpty()) {
            throw new RestoreRefusedException("the database is in use: " + String.join(", ", others)
                    + " connected (connections named liaison are a running liaison serve); stop it, and other"
                    + " clients, before restoring");
        }
    }

    private static void refuseOtherVersions(Database database, List<Schema> schemas, BackupHeader header) {
        List<String> known = schemas.stream().map(Schema::name).toList();
        List<String> differences = new ArrayList<>();
        header.versions().forEach((schema, version) -> {
            if (!known.contains(schema)) {
                differences.add("schema " + schema + " at version " + version + ", which this release does not know");
            }
        });
        List<String> ahead = new ArrayList<>();
        for (Schema schema : schemas) {
            String backup = header.versions().get(schema.name());
            String release = database.newestVersion(schema);
            if (backup != null && Database.compareVersions(backup, release) > 0) {
                differences.add("schema " + schema.name() + " at version " + backup + " where this release's newest is "
                        + release);
            }
            Optional<String> here = database.currentVersion(schema);
            if (backup != null && here.isPresent() && Database.compareVersions(here.get(), backup) > 0) {
                ahead.add(schema.name() + " is at version " + here.get() + ", the backup's at " + backup);
            }
        }
        if (differences.isEmpty() && !ahead.isEmpty()) {
            // an earlier release's backup loads only into its own tables, which a migrated schema no longer has
            throw new RestoreRefusedException("this database's schemas were made by a later release than the"
                    + " backup's (" + String.join("; ", ahead) + "): restore into a new database (for the embedded"
                    + " one, a new data-dir), or drop Liaison's schemas first (DROP SCHEMA "
                    + schemas.stream().map(Schema::name).collect(Collectors.joining(", ")) + " CASCADE)");
        }
        if (!differences.isEmpty()) {
            throw new RestoreRefusedException("the backup (taken " + header.taken() + ") holds "
                    + String.join("; ", differences) + ": a newer Liaison release took it; restore it with that"
                    + " release (this one restores backups of its own and of earlier releases)");
        }
    }

    private static void refuseRows(Connection c, SchemaContents contents, List<Schema> schemas) throws SQLException {
        List<String> filled = new ArrayList<>();
        for (SchemaContents.Table table : contents.tables()) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + table.name() + ")")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    filled.add(table.name());
                }
            }
        }
        if (!filled.isEmpty()) {
            throw new RestoreRefusedException("the database already holds Liaison data (rows in "
                    + String.join(", ", filled) + "); restore only into an empty one: a new database (or, for the"
                    + " embedded one, a new data-dir), or drop Liaison's schemas first (DROP SCHEMA "
                    + schemas.stream().map(Schema::name).collect(Collectors.joining(", ")) + " CASCADE)");
        }
    }

    private static void setSequences(Connection c, Map<String, Long> sequences) throws SQLException {
        // setval is not undone by a rollback: it comes last, after every row has loaded
        try (PreparedStatement s = c.prepareStatement("SELECT setval(?::regclass, ?)")) {
            for (Map.Entry<String, Long> sequence : sequences.entrySet()) {
                if (sequence.getValue() != null) {
                    s.setString(1, sequence.getKey());
                    s.setLong(2, sequence.getValue());
                    s.executeQuery().close();
                }
            }
        }
    }
}

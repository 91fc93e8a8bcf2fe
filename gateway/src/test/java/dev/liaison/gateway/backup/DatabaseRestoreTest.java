package dev.liaison.gateway.backup;

import dev.liaison.gateway.Gateway;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.PoolSettings;
import dev.liaison.mapping.database.Schema;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.PostgresUserStore;
import dev.liaison.mapping.user.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restoring backups of other releases' schemas: an earlier release's is loaded into its own
 * tables and migrated on, as that release's upgrade would be (an administrator backs up with the
 * new release before its first start, the README's advice); a newer release's is refused.
 */
class DatabaseRestoreTest {

    /** The schemas' versions of the release of 2026-11-27 (63dcd26), which had no backup command. */
    private static final Map<String, String> EARLIER = Map.of("mapping", "4", "imap", "5", "transport", "6",
            "relay", "2", "legacy", "7");

    @TempDir
    Path work;

    @Test
    void aBackupOfAnEarlierReleasesSchemasIsRestoredAndMigratedOn() throws Exception {
        Path file = work.resolve("earlier.backup");
        try (Database earlier = TestPostgres.EMBEDDED.freshDatabase()) {
            Gateway.SCHEMAS.forEach(s -> earlier.migrateTo(s, EARLIER.get(s.name())));
            earlier.inTransaction(c -> c.createStatement().executeUpdate("INSERT INTO mapping.users (login,"
                    + " display_name, password_hash, state) VALUES ('alex', 'Alex', 'hash', 'active')"));
            DatabaseBackup.write(earlier, Gateway.SCHEMAS, file);
        }
        try (Database target = restoring()) {
            DatabaseRestore.Restored restored = DatabaseRestore.restore(target, Gateway.SCHEMAS, file);
            assertEquals(EARLIER, restored.versions());
            for (Schema schema : Gateway.SCHEMAS) {
                assertEquals(target.newestVersion(schema), version(target, schema), schema.name() + " migrated on");
            }
            User alex = target.inTransaction(c -> new PostgresUserStore().find(c, Login.of("alex"))).orElseThrow();
            assertEquals("Alex", alex.displayName());
        }
    }

    /**
     * The reviewer's case: a serve or an admin command of this release touched the new database
     * first, so its schemas are newer than the backup's tables. Refused up front, with what to do,
     * not after loading as "damaged".
     */
    @Test
    void anEarlierReleasesBackupIntoSchemasThisReleaseMadeIsRefusedSayingWhatToDo() throws Exception {
        Path file = work.resolve("earlier-again.backup");
        try (Database earlier = TestPostgres.EMBEDDED.freshDatabase()) {
            Gateway.SCHEMAS.forEach(s -> earlier.migrateTo(s, EARLIER.get(s.name())));
            DatabaseBackup.write(earlier, Gateway.SCHEMAS, file);
        }
        try (Database target = restoring()) {
            Gateway.migrate(target);
            var e = assertThrows(RestoreRefusedException.class,
                    () -> DatabaseRestore.restore(target, Gateway.SCHEMAS, file));
            assertTrue(e.getMessage().startsWith("this database's schemas were made by a later release than the"
                    + " backup's (mapping is at version " + target.newestVersion(Gateway.SCHEMAS.get(0))
                    + ", the backup's at 4;"), e.getMessage());
            assertTrue(e.getMessage().contains("restore into a new database"), e.getMessage());
        }
    }

    @Test
    void aBackupOfANewerReleasesSchemasIsRefusedAndChangesNothing() throws Exception {
        Path file = work.resolve("newer.backup");
        Path newer = work.resolve("newer-legacy");
        java.nio.file.Files.createDirectories(newer);
        try (Database source = TestPostgres.EMBEDDED.freshDatabase()) {
            Gateway.migrate(source);
            // a newer release's legacy schema: this release's migrations and one more
            for (var migration : new java.io.File(Database.class.getResource("/db/legacy").toURI()).listFiles()) {
                java.nio.file.Files.copy(migration.toPath(), newer.resolve(migration.getName()));
            }
            java.nio.file.Files.writeString(newer.resolve("V99__newer.sql"), "CREATE TABLE newer (id int);");
            source.migrate(new Schema("legacy", "filesystem:" + newer));
            DatabaseBackup.write(source, Gateway.SCHEMAS, file);
        }
        try (Database target = restoring()) {
            var e = assertThrows(RestoreRefusedException.class,
                    () -> DatabaseRestore.restore(target, Gateway.SCHEMAS, file));
            assertTrue(e.getMessage().contains("schema legacy at version 99 where this release's newest is "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("a newer Liaison release took it"), e.getMessage());
            assertEquals(0L, (long) target.inAutocommit(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname"
                        + " IN ('mapping', 'imap', 'transport', 'relay', 'legacy')")) {
                    rs.next();
                    return rs.getLong(1);
                }
            }), "no schema made");
        }
    }

    /** A new empty database, opened as {@code liaison restore} opens one (its pool's name is the restore's own). */
    private static Database restoring() {
        return Database.open(TestPostgres.EMBEDDED.freshLocation(),
                new PoolSettings(DatabaseRestore.POOL, 2, java.time.Duration.ofSeconds(10)));
    }

    private static String version(Database database, Schema schema) {
        return database.inAutocommit(c -> {
            try (var rs = c.createStatement().executeQuery("SELECT version FROM " + schema.name()
                    + ".flyway_history WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
                rs.next();
                return rs.getString(1);
            }
        });
    }
}

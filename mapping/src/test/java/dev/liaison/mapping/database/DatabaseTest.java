package dev.liaison.mapping.database;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseTest {

    @Test
    void embeddedDatabaseKeepsItsDataAcrossRestarts(@TempDir Path dataDir) throws SQLException {
        var location = new DatabaseLocation.Embedded(dataDir);
        try (Database db = Database.openOwned(location, PoolSettings.forCommand())) {
            db.inTransaction(c -> c.createStatement().execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('x')"));
        }
        try (Database db = Database.open(location, PoolSettings.forCommand())) {
            String value = db.inTransaction(c -> {
                var rs = c.createStatement().executeQuery("SELECT v FROM kept");
                rs.next();
                return rs.getString(1);
            });
            assertEquals("x", value);
        }
    }

    @Test
    void embeddedDatabaseKilledUnderItsOwnerIsRestartedWithEveryCommit(@TempDir Path dataDir) throws Exception {
        try (Database db = Database.openOwned(new DatabaseLocation.Embedded(dataDir), PoolSettings.forCommand())) {
            db.inTransaction(c -> c.createStatement().execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('x')"));
            Path pidFile = dataDir.resolve("postgres/postmaster.pid");
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
            postmaster.destroyForcibly(); // SIGKILL: no shutdown checkpoint, recovery must replay the WAL
            postmaster.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);

            String value = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (value == null && System.nanoTime() < deadline) {
                try {
                    value = db.inTransaction(c -> {
                        var rs = c.createStatement().executeQuery("SELECT v FROM kept");
                        rs.next();
                        return rs.getString(1);
                    });
                } catch (RuntimeException e) {
                    Thread.sleep(200); // down until the owner has restarted it
                }
            }
            assertEquals("x", value, "the owner restarted its database, and the commit survived the kill");
            long restarted = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            assertTrue(restarted != pid && ProcessHandle.of(restarted).isPresent(), "a new postmaster runs");
        }
        assertTrue(Files.notExists(dataDir.resolve("postgres/postmaster.pid")), "and it stops with its owner");
    }

    @Test
    void closingWhileTheOwnerRestartsItsKilledDatabaseLeavesNoPostmasterBehind(@TempDir Path dataDir) throws Exception {
        Path pidFile = dataDir.resolve("postgres/postmaster.pid");
        ProcessHandle restarted;
        try (Database db = Database.openOwned(new DatabaseLocation.Embedded(dataDir), PoolSettings.forCommand())) {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
            postmaster.destroyForcibly();
            postmaster.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            restarted = awaitNewPostmaster(pidFile, pid); // the restart is under way: close now, mid start-up
        }
        assertTrue(Files.notExists(pidFile), "the restarted postmaster was stopped before the owner's close returned");
        restarted.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS); // exited, not merely told to
        assertTrue(!restarted.isAlive(), "no postmaster outlives its owner");
    }

    private static ProcessHandle awaitNewPostmaster(Path pidFile, long deadPid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
                var process = ProcessHandle.of(pid);
                if (pid != deadPid && process.isPresent()) {
                    return process.get();
                }
            } catch (java.io.IOException | RuntimeException e) {
                // between the old file's removal and the new one's first line
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the owner did not restart its killed database within 60 s");
    }

    @Test
    void embeddedDatabaseFlushesEveryCommitToDisk(@TempDir Path dataDir) throws SQLException {
        try (Database db = Database.openOwned(new DatabaseLocation.Embedded(dataDir), PoolSettings.forCommand())) {
            String settings = db.inTransaction(c -> {
                var rs = c.createStatement().executeQuery("SELECT current_setting('fsync') || ' '"
                        + " || current_setting('synchronous_commit')");
                rs.next();
                return rs.getString(1);
            });
            assertEquals("on on", settings, "fsync and synchronous_commit: a commit is on disk before it returns");
        }
    }

    @Test
    void embeddedDatabaseRefusesConnectionsWithoutThePassword(@TempDir Path dataDir) {
        var location = new DatabaseLocation.Embedded(dataDir);
        try (Database db = Database.openOwned(location, PoolSettings.forCommand())) {
            var endpoint = EmbeddedPostgresServer.acquire(dataDir, EmbeddedPostgresServer.Ownership.SHARED,
                    Duration.ofSeconds(5));
            try {
                var e = assertThrows(SQLException.class, () -> java.sql.DriverManager.getConnection(
                        endpoint.jdbcUrl("liaison"), "postgres", "wrong-password"));
                assertEquals("28P01", e.getSQLState(), e.getMessage());
            } finally {
                EmbeddedPostgresServer.release(dataDir);
            }
            assertTrue(Files.isRegularFile(dataDir.resolve("postgres.secret")));
        }
    }

    @Test
    void actionsAfterCommitRunOnceTheRowIsVisibleAndNeverAfterARollback() throws SQLException {
        try (Database db = TestPostgres.EMBEDDED.freshDatabase()) {
            db.inTransaction(c -> c.createStatement().execute("CREATE TABLE t (v int)"));
            java.util.List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            db.inTransaction(c -> {
                c.createStatement().execute("INSERT INTO t VALUES (1)");
                Database.afterCommit(c, () -> seen.add(count(db))); // another connection: sees only committed rows
                assertTrue(seen.isEmpty(), "not before the commit");
                return null;
            });
            assertEquals(java.util.List.of(1L), seen);
            assertThrows(IllegalStateException.class, () -> db.inTransaction(c -> {
                c.createStatement().execute("INSERT INTO t VALUES (2)");
                Database.afterCommit(c, () -> seen.add(-1L));
                throw new IllegalStateException("boom");
            }));
            db.inTransaction(c -> null); // the pool may hand out the same connection: nothing left over runs
            assertEquals(java.util.List.of(1L), seen, "nothing after a rollback");
        }
    }

    private static long count(Database db) {
        return db.inTransaction(c -> {
            var rs = c.createStatement().executeQuery("SELECT count(*) FROM t");
            rs.next();
            return rs.getLong(1);
        });
    }

    @Test
    void failedTransactionChangesNothing() throws SQLException {
        try (Database db = TestPostgres.EMBEDDED.freshDatabase()) {
            db.inTransaction(c -> c.createStatement().execute("CREATE TABLE t (v int)"));
            assertThrows(IllegalStateException.class, () -> db.inTransaction(c -> {
                c.createStatement().execute("INSERT INTO t VALUES (1)");
                throw new IllegalStateException("boom");
            }));
            long rows = db.inTransaction(c -> {
                var rs = c.createStatement().executeQuery("SELECT count(*) FROM t");
                rs.next();
                return rs.getLong(1);
            });
            assertEquals(0, rows);
        }
    }

    @Test
    void unreachableExternalDatabaseFailsWithAClearMessage() {
        var location = new DatabaseLocation.External("jdbc:postgresql://127.0.0.1:1/none", "u", "p");
        var e = assertThrows(DatabaseUnavailableException.class,
                () -> Database.open(location, new PoolSettings("t", 1, Duration.ofSeconds(2))));
        assertTrue(e.getMessage().contains("database unreachable at jdbc:postgresql://127.0.0.1:1/none"), e.getMessage());
    }

    @Test
    void aSchemaANewerReleaseMigratedIsRefusedAndLeftAsItIs(@TempDir Path migrations) throws Exception {
        Releases releases = Releases.in(migrations);
        try (Database db = TestPostgres.EMBEDDED.freshDatabase()) {
            db.migrate(new Schema("versions", releases.newer()));
            var e = assertThrows(DatabaseUnavailableException.class,
                    () -> db.migrate(new Schema("versions", releases.older())));
            assertTrue(e.getMessage().startsWith("schema versions is at version 2, newer than this release knows"
                    + " (its newest is 1)"), e.getMessage());
            assertTrue(e.getMessage().contains("going back is not supported"), e.getMessage());
            db.migrate(new Schema("versions", releases.newer())); // the newer release still starts
            assertEquals(2L, (long) db.inTransaction(c -> {
                try (var s = c.createStatement(); var rs = s.executeQuery(
                        "SELECT count(*) FROM versions.flyway_history WHERE success AND version IS NOT NULL")) {
                    rs.next();
                    return rs.getLong(1);
                }
            }), "both migrations recorded once, nothing undone");
        }
    }

    /**
     * The tester's case: the new release's jar in place, {@code liaison user list} run before the
     * restart. The command must not migrate the schema under the running older server.
     */
    @Test
    void anAdminCommandDoesNotMigrateASchemaUnderARunningServer(@TempDir Path migrations) throws Exception {
        Releases releases = Releases.in(migrations);
        var location = TestPostgres.EMBEDDED.freshLocation();
        Database server = Database.open(location, PoolSettings.forServer(2));
        try (Database command = Database.open(location, PoolSettings.forCommand())) {
            server.migrate(new Schema("versions", releases.older()));
            var e = assertThrows(DatabaseUnavailableException.class,
                    () -> command.migrate(new Schema("versions", releases.newer())));
            assertTrue(e.getMessage().startsWith("schema versions is at version 1, older than this release's 2,"
                    + " and a liaison serve is connected to the database"), e.getMessage());
            assertTrue(e.getMessage().contains("Stop that server and start this release's liaison serve"), e.getMessage());
            assertEquals(1L, migrationsRecorded(command), "nothing migrated");
            command.migrate(new Schema("versions", releases.older())); // nothing pending: the command runs

            server.close();
            awaitNoServerConnections(command);
            // a server of a release before 2026-11-28 gave its connections no name: the driver's default
            try (var unnamed = java.sql.DriverManager.getConnection(location.url(), location.user(), location.password())) {
                var refused = assertThrows(DatabaseUnavailableException.class,
                        () -> command.migrate(new Schema("versions", releases.newer())));
                assertTrue(refused.getMessage().contains("(1 connections named liaison or PostgreSQL JDBC Driver)"),
                        refused.getMessage());
            }
            awaitNoServerConnections(command);
            command.migrate(new Schema("versions", releases.newer())); // no server: the command migrates
            assertEquals(2L, migrationsRecorded(command));
        } finally {
            server.close();
        }
    }

    private static long migrationsRecorded(Database db) {
        return db.inAutocommit(c -> {
            try (var s = c.createStatement(); var rs = s.executeQuery(
                    "SELECT count(*) FROM versions.flyway_history WHERE success AND version IS NOT NULL")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** A closed connection's backend ends a moment after it. */
    private static void awaitNoServerConnections(Database db) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            long left = db.inAutocommit(c -> {
                try (var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND application_name IN ('" + PoolSettings.SERVER
                        + "', 'PostgreSQL JDBC Driver')")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            if (left == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the closed server pool's connections did not end");
    }

    /** One schema's migrations in two releases: the older has V1, the newer V1 and V2. */
    private record Releases(String older, String newer) {

        static Releases in(Path migrations) throws java.io.IOException {
            Path older = Files.createDirectories(migrations.resolve("older"));
            Path newer = Files.createDirectories(migrations.resolve("newer"));
            Files.writeString(older.resolve("V1__first.sql"), "CREATE TABLE kept (id int);");
            Files.writeString(newer.resolve("V1__first.sql"), "CREATE TABLE kept (id int);");
            Files.writeString(newer.resolve("V2__second.sql"), "ALTER TABLE kept ADD COLUMN added int NOT NULL DEFAULT 1;");
            return new Releases("filesystem:" + older, "filesystem:" + newer);
        }
    }
}

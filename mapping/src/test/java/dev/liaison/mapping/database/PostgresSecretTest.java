package dev.liaison.mapping.database;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A data directory restored without its {@code postgres.secret}, or with another one: refused at
 * once, saying which and what to do, with no new secret written and no server left running; the
 * right file restored, the database opens. Before, a new secret was written over the loss, the start
 * waited 60 s for a server that refused it ("Gave up waiting for server to start") and left it
 * running.
 */
class PostgresSecretTest {

    @TempDir
    Path dataDir;

    @Test
    void aMissingOrWrongSecretIsRefusedAtOnceChangingNothingAndTheRightOneOpensTheDatabase() throws IOException {
        DatabaseLocation.Embedded location = new DatabaseLocation.Embedded(dataDir);
        openAndClose(location);
        Path secret = dataDir.resolve("postgres.secret");
        String original = Files.readString(secret);

        Files.delete(secret);
        var missing = assertThrows(PostgresSecretException.class,
                () -> Database.openOwned(location, PoolSettings.forCommand()));
        assertEquals(secret + " is missing, but " + dataDir.resolve("postgres") + " holds a database that opens only"
                + " with it: restore postgres.secret from the backup of this data directory (nothing was changed; a new"
                + " one would not open the database)", missing.getMessage());
        assertFalse(Files.exists(secret), "no new secret is made for an existing database");
        assertNoServer();

        Files.writeString(secret, "0123456789abcdef0123456789abcdef0123456789abcdef");
        var wrong = assertThrows(PostgresSecretException.class, () -> Database.open(location, PoolSettings.forCommand()));
        assertTrue(wrong.getMessage().startsWith(secret + " does not match the database in " + dataDir.resolve("postgres")
                + " (its password is another): restore the postgres.secret of the same backup"), wrong.getMessage());
        assertEquals("0123456789abcdef0123456789abcdef0123456789abcdef", Files.readString(secret), "left as it was");
        assertNoServer();

        Files.writeString(secret, original);
        openAndClose(location);
    }

    /**
     * A cluster of an earlier release keeps no fingerprint of its password: a wrong one is found by
     * the start itself (after the server's start-up wait), still said as such, and the server that
     * refused it is stopped.
     */
    @Test
    void aWrongSecretForAClusterWithoutFingerprintIsNamedAndItsServerStopped() throws IOException {
        DatabaseLocation.Embedded location = new DatabaseLocation.Embedded(dataDir);
        openAndClose(location);
        Files.delete(dataDir.resolve("postgres").resolve(EmbeddedPostgresServer.SECRET_FINGERPRINT));
        Files.writeString(dataDir.resolve("postgres.secret"), "0123456789abcdef0123456789abcdef0123456789abcdef");
        var wrong = assertThrows(PostgresSecretException.class,
                () -> Database.openOwned(location, PoolSettings.forCommand()));
        assertTrue(wrong.getMessage().contains(" does not match the database in "), wrong.getMessage());
        assertNoServer();
    }

    private static void openAndClose(DatabaseLocation.Embedded location) {
        try (Database db = Database.openOwned(location, PoolSettings.forCommand())) {
            assertEquals(1, (int) db.inTransaction(c -> {
                var rs = c.createStatement().executeQuery("SELECT 1");
                rs.next();
                return rs.getInt(1);
            }));
        }
    }

    /** No postmaster runs on the cluster: its pid file is gone, or names a process that has ended. */
    private void assertNoServer() throws IOException {
        Path pidFile = dataDir.resolve("postgres/postmaster.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "postmaster " + pid + " still runs");
        }
    }
}

package dev.liaison.mapping.database;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failed transaction is reported as what it was: an outage, to be waited out, or a statement the
 * database refused, a defect that retrying does not mend. Both commit nothing.
 */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class DatabaseFailuresTest {

    @Parameter
    TestPostgres postgres;

    @Test
    void aRefusedStatementIsReportedAsRefusedWithItsSqlStateAndCommitsNothing() {
        try (Database db = postgres.freshDatabase()) {
            db.inTransaction(c -> c.createStatement().execute("CREATE TABLE t (v int CHECK (v > 0))"));
            DatabaseException e = failedAfterAnInsert(db, "INSERT INTO t VALUES (-1)");
            assertInstanceOf(DatabaseRefusedException.class, e, e.getMessage());
            assertTrue(e.getMessage().contains("SQLSTATE 23514") && e.getMessage().contains("not an outage"),
                    e.getMessage());
        }
    }

    @Test
    void aRefusedRowsValuesStayOutOfTheExceptionAndSoOutOfLogs() {
        try (Database db = postgres.freshDatabase()) {
            db.inTransaction(c -> c.createStatement().execute(
                    "CREATE TABLE secrets (name text CONSTRAINT name_short CHECK (length(name) < 5), hash text)"));
            var e = assertThrows(DatabaseException.class, () -> db.inTransaction(c ->
                    c.createStatement().execute("INSERT INTO secrets VALUES ('too long', '$argon2id$secret-hash')")));
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertFalse(String.valueOf(t.getMessage()).contains("secret-hash"), "a row's values in: " + t.getMessage());
            }
            assertTrue(e.getMessage().contains("name_short"), "the constraint is still named: " + e.getMessage());
        }
    }

    @Test
    void aLostConnectionIsReportedAsAnOutage() {
        try (Database db = postgres.freshDatabase()) {
            db.inTransaction(c -> c.createStatement().execute("CREATE TABLE t (v int)"));
            // the server ends this session, as a restart or an administrator would
            DatabaseException e = failedAfterAnInsert(db, "SELECT pg_terminate_backend(pg_backend_pid())");
            assertInstanceOf(DatabaseUnavailableException.class, e, e.getMessage());
            assertTrue(e.getMessage().startsWith("database unavailable"), e.getMessage());
            assertFalse(e.getMessage().contains("refused"), e.getMessage());
        }
    }

    /**
     * A pool with no connection to lend within its timeout is an outage, whatever state the pool's
     * exception copies (HikariCP copies the last failed connection attempt's, which can be a refused
     * login's 28P01).
     */
    @Test
    void aPoolThatLendsNoConnectionInTimeIsAnOutage() throws Exception {
        try (Database db = Database.open(postgres.freshLocation(), new PoolSettings("one", 1, Duration.ofMillis(300)));
             Connection held = db.dataSource().getConnection()) {
            var e = assertThrows(DatabaseException.class, () -> db.inAutocommit(c -> c.createStatement().execute("SELECT 1")));
            assertInstanceOf(DatabaseUnavailableException.class, e, e.getMessage());
        }
        assertTrue(SqlStates.isTransient(new SQLTransientConnectionException("pool timed out", "28P01")),
                "a refused login copied into a pool's timeout");
        assertFalse(SqlStates.isTransient(new SQLException("duplicate key", "23505")));
    }

    /**
     * Inserts a row into {@code t}, then runs {@code failing}, in one transaction; returns what that
     * threw, having checked that the insert did not stay: a failed transaction commits nothing.
     */
    private static DatabaseException failedAfterAnInsert(Database db, String failing) {
        var e = assertThrows(DatabaseException.class, () -> db.inTransaction(c -> {
            c.createStatement().execute("INSERT INTO t VALUES (1)");
            return c.createStatement().execute(failing);
        }));
        assertEquals(0, count(db), "the insert before the failure was rolled back with it: " + e.getMessage());
        return e;
    }

    private static long count(Database db) {
        return db.inAutocommit(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}

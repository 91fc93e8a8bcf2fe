package dev.liaison.mapping.database;

import org.postgresql.util.PSQLException;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import java.util.function.Function;

/** Reading PostgreSQL's SQLSTATE codes, so stores turn constraint violations into domain errors. */
public final class SqlStates {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String FOREIGN_KEY_VIOLATION = "23503";
    private static final String QUERY_CANCELED = "57014";
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "28", "40", "53", "57", "58");
    private static final Set<String> TRANSIENT_STATES = Set.of("3D000", "25006", "55P03");

    private SqlStates() {
    }

    public static boolean isUniqueViolation(SQLException e) {
        return UNIQUE_VIOLATION.equals(e.getSQLState());
    }

    public static boolean isForeignKeyViolation(SQLException e) {
        return FOREIGN_KEY_VIOLATION.equals(e.getSQLState());
    }

    /** Whether {@code e} was raised by the named constraint (for tables with several unique keys). */
    public static boolean violates(SQLException e, String constraint) {
        return e instanceof PSQLException p && p.getServerErrorMessage() != null
                && constraint.equals(p.getServerErrorMessage().getConstraint());
    }

    /**
     * Whether {@code e}, or an {@link SQLException} among its causes, says the database cannot do
     * the work right now whatever the data: connection lost (class 08), login refused (28, e.g. a
     * rotated password), deadlock or serialization failure (40), disk full or out of memory (53),
     * server shutting down (57), I/O error (58), database missing (3D000), read-only transaction
     * (25006, e.g. a standby after failover), lock timeout (55P03); or the driver or pool calls it
     * transient or recoverable (a pool's wait for a connection that ran out, whatever state it
     * copies). Work that failed this way must be retried as it was, not counted against the data.
     * Not the transaction timeouts (25P03, 25P04): the work itself may be what takes too long, and
     * retried uncounted it would never be set aside.
     */
    public static boolean isTransient(Throwable e) {
        return Boolean.TRUE.equals(firstAnswer(e, t -> {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                String sqlClass = state.length() >= 2 ? state.substring(0, 2) : state;
                return TRANSIENT_CLASSES.contains(sqlClass) || TRANSIENT_STATES.contains(state);
            }
            return null;
        }));
    }

    /**
     * Whether the first SQLSTATE among {@code e} and its causes is 57014, query_canceled: what
     * {@code statement_timeout} raises (and an administrator's cancel).
     */
    public static boolean isQueryCanceled(Throwable e) {
        return QUERY_CANCELED.equals(firstAnswer(e, t -> t instanceof SQLException sql ? sql.getSQLState() : null));
    }

    /** The first answer {@code ask} gives, for {@code e} and then each of its causes in turn; null if none. */
    private static <T> T firstAnswer(Throwable e, Function<Throwable, T> ask) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            T answer = ask.apply(t);
            if (answer != null) {
                return answer;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /**
     * A database failure the caller cannot fix by changing its input, named for what it is: an
     * outage (retry later) or a refused statement (call the operator); see {@link DatabaseException#of}.
     */
    public static DatabaseException unexpected(String what, SQLException e) {
        return DatabaseException.of(what, e);
    }
}

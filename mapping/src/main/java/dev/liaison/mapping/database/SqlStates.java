package dev.liaison.mapping.database;

import org.postgresql.util.PSQLException;

import java.sql.SQLException;

/** Reading PostgreSQL's SQLSTATE codes, so stores turn constraint violations into domain errors. */
public final class SqlStates {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String FOREIGN_KEY_VIOLATION = "23503";

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

    /** A database failure the caller cannot fix by changing its input: retry later or call the operator. */
    public static DatabaseUnavailableException unexpected(String what, SQLException e) {
        return new DatabaseUnavailableException("database error while " + what + ": " + e.getMessage(), e);
    }
}

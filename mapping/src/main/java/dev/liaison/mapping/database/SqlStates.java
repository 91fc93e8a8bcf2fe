package dev.liaison.mapping.database;

import java.sql.SQLException;

/** Reading PostgreSQL's SQLSTATE codes, so stores turn constraint violations into domain errors. */
public final class SqlStates {

    private static final String UNIQUE_VIOLATION = "23505";

    private SqlStates() {
    }

    public static boolean isUniqueViolation(SQLException e) {
        return UNIQUE_VIOLATION.equals(e.getSQLState());
    }

    /** A database failure the caller cannot fix by changing its input: retry later or call the operator. */
    public static DatabaseUnavailableException unexpected(String what, SQLException e) {
        return new DatabaseUnavailableException("database error while " + what + ": " + e.getMessage(), e);
    }
}

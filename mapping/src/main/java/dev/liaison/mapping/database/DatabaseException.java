package dev.liaison.mapping.database;

import java.sql.SQLException;

/**
 * The database did not do the work. Which of the two it is decides what whoever reads the log
 * should do: {@link DatabaseUnavailableException} (an outage: wait, or bring the database back) or
 * {@link DatabaseRefusedException} (a statement refused: a defect or a schema out of step, which
 * retrying does not mend). Either way the work is not known to be done: nothing of it was
 * committed, unless the connection was lost during the COMMIT itself, which leaves it unknown (so
 * work retried after an outage must be idempotent, as every store's is).
 */
public abstract sealed class DatabaseException extends RuntimeException
        permits DatabaseUnavailableException, DatabaseRefusedException {

    DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The exception for {@code e}, raised while {@code what} (e.g. "recording a delivery"; empty if
     * the caller cannot say): unavailable if PostgreSQL's SQLSTATE says the database cannot do the
     * work now whatever it is ({@link SqlStates#isTransient}), refused otherwise.
     */
    public static DatabaseException of(String what, SQLException e) {
        String during = what.isEmpty() ? "" : " while " + what;
        if (e.getSQLState() == null || SqlStates.isTransient(e)) {
            return new DatabaseUnavailableException("database unavailable" + during + ": " + e.getMessage(), e);
        }
        return new DatabaseRefusedException("database refused a statement" + during + " (SQLSTATE " + e.getSQLState()
                + "; not an outage: a defect or a schema out of step, retrying does not help): " + e.getMessage(), e);
    }
}

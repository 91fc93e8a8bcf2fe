package dev.liaison.mapping.database;

/**
 * PostgreSQL refused a statement for what it is, not for the state the server is in: a violated
 * constraint, a missing column, a type mismatch. A defect in Liaison or a schema out of step with it;
 * the message carries the SQLSTATE and PostgreSQL's words, for the bug report.
 */
public final class DatabaseRefusedException extends DatabaseException {

    public DatabaseRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}

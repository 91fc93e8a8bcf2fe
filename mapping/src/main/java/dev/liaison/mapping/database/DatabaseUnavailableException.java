package dev.liaison.mapping.database;

/**
 * The database could not be started, reached, or could not do the work now (connection lost, disk
 * full, read-only, shutting down); the message says which and what to check. Work that failed so is
 * to be retried as it was.
 */
public final class DatabaseUnavailableException extends DatabaseException {

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public DatabaseUnavailableException(String message) {
        super(message, null);
    }
}

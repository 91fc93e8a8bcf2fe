package dev.liaison.mapping.database;

import java.nio.file.Path;

/**
 * {@code data-dir/postgres.secret} is missing, or is not the password of the cluster in
 * {@code data-dir/postgres} (a data directory restored without it, or with another one's): a
 * configuration problem the administrator mends by restoring the file, not an outage to wait out.
 */
public final class PostgresSecretException extends RuntimeException {

    private PostgresSecretException(String message, Throwable cause) {
        super(message, cause);
    }

    static PostgresSecretException missing(Path dir) {
        return new PostgresSecretException(dir.resolve("postgres.secret") + " is missing, but " + dir.resolve("postgres")
                + " holds a database that opens only with it: restore postgres.secret from the backup of this data"
                + " directory (nothing was changed; a new one would not open the database)", null);
    }

    static PostgresSecretException mismatch(Path dir, Throwable cause) {
        return new PostgresSecretException(dir.resolve("postgres.secret") + " does not match the database in "
                + dir.resolve("postgres") + " (its password is another): restore the postgres.secret of the same"
                + " backup as the database (nothing was changed)", cause);
    }
}

package dev.liaison.gateway.backup;

/** A backup file that is not one, or not whole: cut short, altered, or missing a part. */
public final class DamagedBackupException extends RuntimeException {

    public DamagedBackupException(String message) {
        super(message);
    }
}

package dev.liaison.gateway.backup;

/** A restore that would not be safe on this database, or with this release; nothing was changed. */
public final class RestoreRefusedException extends RuntimeException {

    public RestoreRefusedException(String message) {
        super(message);
    }
}

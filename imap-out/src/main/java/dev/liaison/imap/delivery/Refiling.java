package dev.liaison.imap.delivery;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Told when a user moves or copies a message into another folder, inside the transaction that
 * files it there: what the move means to the gateway (moving a stranger's request to INBOX is
 * consent) commits with the move or not at all. Called on IMAP processing threads.
 */
public interface Refiling {

    /** Hears nothing. */
    Refiling NONE = new Refiling() {
        @Override
        public boolean watches(String folder) {
            return false;
        }

        @Override
        public void refiled(Connection transaction, Refiled message) {
        }
    };

    /** Whether moves and copies into {@code folder} matter; when not, the store does no extra work. */
    boolean watches(String folder);

    /**
     * {@code message} was filed into a watched folder in {@code transaction}; an exception fails
     * the user's MOVE or COPY and rolls everything back.
     */
    void refiled(Connection transaction, Refiled message) throws SQLException;
}

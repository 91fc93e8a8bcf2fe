package dev.liaison.imap.server;

/**
 * What the IMAP service reports as it works, for gateway's metrics: imap-out keeps no counters
 * and depends on no metrics library. Contract: called on the IMAP I/O and processing threads, so
 * an implementation is quick, never blocks and never throws; every method has a no-op default.
 * Nothing passed names a user, a folder or a message.
 */
public interface ImapEvents {

    /** Reports nothing. */
    ImapEvents NONE = new ImapEvents() {
    };

    /** A client connected. */
    default void connectionOpened() {
    }

    /** A client's connection ended. */
    default void connectionClosed() {
    }

    /**
     * A command was answered.
     *
     * @param command the command's name as James knows it ({@code FETCH}, {@code UID} ...): one of a
     *                fixed set, never text the client chose
     * @param nanos   from processing start to the tagged answer (for IDLE: the whole idle time)
     */
    default void commandAnswered(String command, long nanos) {
    }
}

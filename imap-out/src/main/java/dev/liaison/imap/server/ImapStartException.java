package dev.liaison.imap.server;

/** The IMAP service could not start: a port is taken or the database is unreachable. */
public final class ImapStartException extends Exception {
    public ImapStartException(String message, Throwable cause) {
        super(message, cause);
    }
}

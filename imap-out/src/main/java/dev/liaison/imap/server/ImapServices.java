package dev.liaison.imap.server;

import dev.liaison.imap.delivery.FiledCopies;
import dev.liaison.imap.delivery.Refiling;

import java.util.Objects;

/**
 * What gateway plugs into the IMAP service: the LOGIN question, who hears what happened, who is
 * told (in the same transaction) when a user moves mail between folders, which copies the
 * gateway files itself, so that a client's APPEND of the same message is not stored twice, and
 * how logged-in sessions learn that their user was disabled ({@link AccountCheck}).
 */
public record ImapServices(ImapAuthenticator authenticator, ImapEvents events, Refiling refiling,
                           FiledCopies filedCopies, AccountCheck accounts) {

    public ImapServices {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(refiling, "refiling");
        Objects.requireNonNull(filedCopies, "filedCopies");
        Objects.requireNonNull(accounts, "accounts");
    }

    public ImapServices(ImapAuthenticator authenticator, ImapEvents events, Refiling refiling, FiledCopies filedCopies) {
        this(authenticator, events, refiling, filedCopies, AccountCheck.NONE);
    }

    /** These services with {@code accounts} asking whether a logged-in user is still active. */
    public ImapServices withAccountCheck(AccountCheck accounts) {
        return new ImapServices(authenticator, events, refiling, filedCopies, accounts);
    }

    public ImapServices(ImapAuthenticator authenticator, ImapEvents events) {
        this(authenticator, events, Refiling.NONE, FiledCopies.NONE, AccountCheck.NONE);
    }
}

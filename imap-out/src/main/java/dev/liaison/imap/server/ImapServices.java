package dev.liaison.imap.server;

import dev.liaison.imap.delivery.FiledCopies;
import dev.liaison.imap.delivery.Refiling;

import java.util.Objects;

/**
 * What gateway plugs into the IMAP service: the LOGIN question, who hears what happened, who is
 * told (in the same transaction) when a user moves mail between folders, and which copies the
 * gateway files itself, so that a client's APPEND of the same message is not stored twice.
 */
public record ImapServices(ImapAuthenticator authenticator, ImapEvents events, Refiling refiling,
                           FiledCopies filedCopies) {

    public ImapServices {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(refiling, "refiling");
        Objects.requireNonNull(filedCopies, "filedCopies");
    }

    public ImapServices(ImapAuthenticator authenticator, ImapEvents events) {
        this(authenticator, events, Refiling.NONE, FiledCopies.NONE);
    }
}

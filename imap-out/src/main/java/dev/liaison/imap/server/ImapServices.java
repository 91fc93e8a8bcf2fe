package dev.liaison.imap.server;

import dev.liaison.imap.delivery.Refiling;

import java.util.Objects;

/**
 * What gateway plugs into the IMAP service: the LOGIN question, who hears what happened, and who
 * is told (in the same transaction) when a user moves mail between folders.
 */
public record ImapServices(ImapAuthenticator authenticator, ImapEvents events, Refiling refiling) {

    public ImapServices {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(refiling, "refiling");
    }

    public ImapServices(ImapAuthenticator authenticator, ImapEvents events) {
        this(authenticator, events, Refiling.NONE);
    }
}

package dev.liaison.imap.server;

import java.util.Objects;

/**
 * What gateway plugs into the IMAP service: the LOGIN question and who hears what happened.
 */
public record ImapServices(ImapAuthenticator authenticator, ImapEvents events) {

    public ImapServices {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(events, "events");
    }
}

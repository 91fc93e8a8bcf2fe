package dev.liaison.imap.server;

import dev.liaison.imap.delivery.FiledCopies;
import dev.liaison.imap.delivery.Refiling;

import java.util.Objects;

/**
 * What gateway plugs into the IMAP service: the LOGIN question, who hears what happened, who is
 * told (in the same transaction) when a user moves mail between folders, which copies the
 * gateway files itself, so that a client's APPEND of the same message is not stored twice, and
 * how logged-in sessions learn that their user was disabled ({@link AccountCheck}), and which
 * addresses must wait before their next login is checked ({@link LoginThrottle}).
 */
public record ImapServices(ImapAuthenticator authenticator, ImapEvents events, Refiling refiling,
                           FiledCopies filedCopies, AccountCheck accounts, LoginThrottle throttle) {

    public ImapServices {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(refiling, "refiling");
        Objects.requireNonNull(filedCopies, "filedCopies");
        Objects.requireNonNull(accounts, "accounts");
        Objects.requireNonNull(throttle, "throttle");
    }

    public ImapServices(ImapAuthenticator authenticator, ImapEvents events, Refiling refiling, FiledCopies filedCopies) {
        this(authenticator, events, refiling, filedCopies, AccountCheck.NONE, LoginThrottle.NONE);
    }

    /** These services with {@code accounts} asking whether a logged-in user is still active. */
    public ImapServices withAccountCheck(AccountCheck accounts) {
        return new ImapServices(authenticator, events, refiling, filedCopies, accounts, throttle);
    }

    /** These services with {@code value} deciding which logins wait (gateway's, shared with submission). */
    public ImapServices withLoginThrottle(LoginThrottle value) {
        return new ImapServices(authenticator, events, refiling, filedCopies, accounts, value);
    }

    public ImapServices(ImapAuthenticator authenticator, ImapEvents events) {
        this(authenticator, events, Refiling.NONE, FiledCopies.NONE, AccountCheck.NONE, LoginThrottle.NONE);
    }
}

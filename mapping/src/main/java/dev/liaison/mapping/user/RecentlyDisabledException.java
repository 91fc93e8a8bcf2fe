package dev.liaison.mapping.user;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** A user disabled too recently to be removed yet: a session of theirs may still be open. */
public final class RecentlyDisabledException extends UserException {

    public RecentlyDisabledException(Login login, Instant removableFrom) {
        super("user " + login + " was disabled moments ago; an open IMAP session of theirs ends at its next"
                + " account check, within a minute, and until then could carry on as the next user given this login."
                + " Run this again from " + DateTimeFormatter.ISO_LOCAL_TIME.format(
                        removableFrom.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC)) + " UTC");
    }
}

package dev.liaison.smtp.submission;

import java.time.Clock;
import java.util.Objects;

/**
 * What gateway plugs into the submission server: the three questions smtp-in asks, the clock
 * the AUTH throttle measures its delays with, and who hears what happened (metrics).
 */
public record SubmissionServices(
        SubmissionAuthenticator authenticator,
        RecipientPolicy recipients,
        SubmissionHandler handler,
        Clock clock,
        SubmissionEvents events) {

    public SubmissionServices {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(recipients, "recipients");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(events, "events");
    }

    public SubmissionServices(SubmissionAuthenticator authenticator, RecipientPolicy recipients, SubmissionHandler handler,
                              Clock clock) {
        this(authenticator, recipients, handler, clock, SubmissionEvents.NONE);
    }

    public SubmissionServices(SubmissionAuthenticator authenticator, RecipientPolicy recipients, SubmissionHandler handler) {
        this(authenticator, recipients, handler, Clock.systemUTC());
    }

    /** These services, reporting to {@code value}. */
    public SubmissionServices withEvents(SubmissionEvents value) {
        return new SubmissionServices(authenticator, recipients, handler, clock, value);
    }
}

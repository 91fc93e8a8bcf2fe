package dev.liaison.smtp.submission;

import java.time.Clock;
import java.util.Objects;

/**
 * What gateway plugs into the submission server: the three questions smtp-in asks, and the clock
 * the AUTH throttle measures its delays with.
 */
public record SubmissionServices(
        SubmissionAuthenticator authenticator,
        RecipientPolicy recipients,
        SubmissionHandler handler,
        Clock clock) {

    public SubmissionServices {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(recipients, "recipients");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(clock, "clock");
    }

    public SubmissionServices(SubmissionAuthenticator authenticator, RecipientPolicy recipients, SubmissionHandler handler) {
        this(authenticator, recipients, handler, Clock.systemUTC());
    }
}

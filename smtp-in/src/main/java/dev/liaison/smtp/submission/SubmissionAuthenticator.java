package dev.liaison.smtp.submission;

import java.util.Optional;

/**
 * Checks a login and password against the users gateway knows (implemented by gateway over
 * mapping). smtp-in calls it only over TLS and only after the throttle allowed the attempt.
 *
 * <p>Contract: return the user for a correct login and password, {@link Optional#empty()} for
 * anything else (unknown login, wrong password, disabled user: the client must not learn which);
 * throw {@link TemporaryFailureException} when the answer is unknown (database down), which the
 * client sees as {@code 454 4.7.0} and which does not count as a failed attempt. Called on a Netty
 * I/O thread; may block briefly. Must be thread-safe.
 */
@FunctionalInterface
public interface SubmissionAuthenticator {
    Optional<AuthenticatedUser> authenticate(Credentials credentials) throws TemporaryFailureException;
}

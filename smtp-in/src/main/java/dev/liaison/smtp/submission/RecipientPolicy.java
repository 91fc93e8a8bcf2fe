package dev.liaison.smtp.submission;

import dev.liaison.smtp.address.EmailAddress;

import java.util.OptionalLong;

/**
 * Decides whether an authenticated user may submit to a recipient (implemented by gateway). This is
 * the one place that keeps the gateway from being an open relay: smtp-in accepts a RCPT only on
 * {@link RecipientVerdict#ACCEPT}.
 *
 * <p>Contract: {@code recipient} is already strictly parsed (no source route, quoted local part,
 * address literal, {@code %} or {@code !}; ASCII; lower-cased). Answer from first-hand data
 * (gateway re-reads the alias table, it trusts no flag of smtp-in's). A {@link RuntimeException}
 * is treated as {@link RecipientVerdict#TEMPORARY_FAILURE}. Called on a Netty I/O thread; may
 * block briefly. Must be thread-safe.
 */
@FunctionalInterface
public interface RecipientPolicy {
    RecipientVerdict check(AuthenticatedUser sender, EmailAddress recipient);

    /**
     * As {@link #check(AuthenticatedUser, EmailAddress)}, knowing the size MAIL FROM declared
     * ({@code SIZE=}, RFC 1870; empty when it declared none): a recipient that cannot take a message
     * that large answers {@link RecipientVerdict#TOO_LARGE}, so the client learns it before uploading.
     * Declared sizes are the client's word; the handler checks the message itself.
     */
    default RecipientVerdict check(AuthenticatedUser sender, EmailAddress recipient, OptionalLong declaredSize) {
        return check(sender, recipient);
    }
}

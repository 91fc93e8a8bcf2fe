package dev.liaison.smtp.submission;

import dev.liaison.smtp.address.EmailAddress;

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
}

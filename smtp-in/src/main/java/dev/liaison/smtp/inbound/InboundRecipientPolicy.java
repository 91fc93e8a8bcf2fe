package dev.liaison.smtp.inbound;

import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.submission.ReversePath;
import java.net.InetAddress;

/**
 * Decides, for one RCPT on the inbound MX, whether this gateway takes mail for that address from
 * that sender (implemented by gateway: published addresses, per-correspondent aliases, blocked
 * correspondents, the rate limit for new senders per published address). smtp-in accepts a RCPT
 * only on {@link InboundRecipientVerdict#ACCEPT}.
 *
 * <p>Contract: {@code recipient} is strictly parsed (no source route, quoted local part, address
 * literal, {@code %} or {@code !}; ASCII; lower-cased) and its domain is one of
 * {@code InboundSettings#domains()}: smtp-in refuses every other domain itself ({@code 550 5.7.1},
 * never relaying) without asking. {@code sender} is the MAIL FROM reverse-path, parsed as strictly,
 * and unauthenticated at this point: it is what the sending server claims (SPF, DKIM and DMARC are
 * checked at the end of DATA, and their results reach the {@link InboundHandler}). Use it to find
 * the relationship and to count new senders, not to trust them. {@code client} is the sending
 * server's IP address. Answer from first-hand data; a {@link RuntimeException} or {@code null} is
 * treated as {@link InboundRecipientVerdict#unavailable()}. Called on a Netty I/O thread; may block
 * briefly. Must be thread-safe.
 */
@FunctionalInterface
public interface InboundRecipientPolicy {
    InboundRecipientVerdict check(ReversePath sender, EmailAddress recipient, InetAddress client);
}

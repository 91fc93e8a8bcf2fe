package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.transport.EnvelopeId;

import java.util.Arrays;
import java.util.Objects;

/**
 * One finished RFC 5322 message for one plain-email recipient, as the submission path hands it
 * over: the headers are final (From is the outward alias, the Communicator invitation is in),
 * only a {@code DKIM-Signature} is added, {@code Bcc} removed and 8-bit body parts encoded
 * ({@link SevenBitBody}, which labels a non-MIME 8-bit body as MIME text).
 *
 * @param deliveryId the idempotency key the caller derives from the submission (e.g.
 *                   {@link LegacyOutbox#deliveryId}): a retried submission queues nothing twice
 * @param mail       the SMTP envelope and the owner
 * @param content    the message, CRLF line endings; copied in and out
 */
public record LegacyMessage(EnvelopeId deliveryId, OutboundMail mail, byte[] content) {

    public LegacyMessage {
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(mail, "mail");
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /** The content without a copy, for signing; never modified. */
    byte[] sharedContent() {
        return content;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LegacyMessage other && deliveryId.equals(other.deliveryId) && mail.equals(other.mail)
                && Arrays.equals(content, other.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(deliveryId, mail, Arrays.hashCode(content));
    }

    @Override
    public String toString() {
        return "LegacyMessage[" + deliveryId + ", " + mail + ", " + content.length + " octets]";
    }
}

package dev.liaison.imap.delivery;

import dev.liaison.imap.server.Limits;

import java.time.Instant;
import java.util.Objects;

/**
 * One message to file into one user's folder.
 *
 * @param deliveryId   the idempotency key: the same id is filed at most once until the caller forgets it
 *                     ({@link MailboxDelivery#forget}; 1..200 characters)
 * @param owner        the mailbox owner, exactly as the {@code ImapAuthenticator} names the user
 * @param folder       the folder name, e.g. {@code INBOX} or {@code Sent}; "." separates levels (the IMAP hierarchy delimiter)
 * @param message      the RFC 5322 message, CRLF line endings, at most {@link Limits#MESSAGE_OCTETS}
 * @param seen         whether it arrives already read (true for a copy of one's own sent mail)
 * @param receivedAt   the IMAP INTERNALDATE
 */
public record Delivery(String deliveryId, String owner, String folder, byte[] message, boolean seen, Instant receivedAt) {

    public Delivery {
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(receivedAt, "receivedAt");
        if (deliveryId.isEmpty() || deliveryId.length() > Limits.DELIVERY_ID_CHARS) {
            throw new IllegalArgumentException("delivery id must have 1.." + Limits.DELIVERY_ID_CHARS
                    + " characters, got " + deliveryId.length());
        }
        if (owner.isBlank()) {
            throw new IllegalArgumentException("delivery owner must not be blank");
        }
    }

    /** Deliveries are the same when their ids are: the id is the identity. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Delivery other && other.deliveryId.equals(deliveryId);
    }

    @Override
    public int hashCode() {
        return deliveryId.hashCode();
    }

    /** Never prints the message or its owner (STYLE §8). */
    @Override
    public String toString() {
        return "Delivery[" + deliveryId + ", " + message.length + " octets]";
    }
}

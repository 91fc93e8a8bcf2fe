package dev.liaison.smtp.envelope;

import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Whether the server could hold a message of a declared size from this session's sender now
 * (RFC 1870 §6.2: {@code 452} at {@code MAIL FROM} when it cannot, so the client need not upload
 * it to learn that). A hint, not a reservation: the octets are taken while the message arrives.
 */
public interface MessageRoom {

    /** Room for anything: no early refusal. */
    MessageRoom ANY = (session, octets) -> true;

    boolean hasRoomFor(SMTPSession session, long octets);
}

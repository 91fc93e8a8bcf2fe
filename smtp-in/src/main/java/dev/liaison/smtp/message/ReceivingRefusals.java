package dev.liaison.smtp.message;

import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Who records that a message broke a limit while it streamed in, or found no room already at MAIL
 * (each service's transaction log): the transaction ends there, without an id and without reaching
 * a handler.
 */
public interface ReceivingRefusals {
    void refusedWhileReceiving(SMTPSession session, DataRefusal refusal, long octets);

    /** MAIL FROM declared a {@code SIZE} the server could not hold now (452 4.3.1); no DATA was sent. */
    void noRoomAtMail(SMTPSession session, long declaredOctets);
}

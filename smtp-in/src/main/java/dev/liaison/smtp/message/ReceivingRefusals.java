package dev.liaison.smtp.message;

import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Who records that a message broke a limit while it streamed in (each service's transaction log):
 * the transaction ends there, without an id and without reaching a handler.
 */
public interface ReceivingRefusals {
    void refusedWhileReceiving(SMTPSession session, DataRefusal refusal, long octets);
}

package dev.liaison.gateway.legacy.delivery;

/** The message is larger than plain email carries ({@link Limits#MAX_MESSAGE_BYTES}). Suggested reply: {@code 552 5.3.4}. */
public final class OversizedMessageException extends LegacyDeliveryException {

    public OversizedMessageException(int size) {
        super("message of " + size + " octets is larger than the " + Limits.MAX_MESSAGE_BYTES
                + " octets this gateway sends as plain email; send large files another way");
    }

    /** The message fits, but not once its 8-bit parts are encoded for 7-bit transport ({@link SevenBitBody}). */
    OversizedMessageException(int size, int encoded) {
        super("message of " + size + " octets becomes " + encoded + " octets once its 8-bit parts are encoded"
                + " for 7-bit transport, larger than the " + Limits.MAX_MESSAGE_BYTES + " octets this gateway sends"
                + " as plain email; send large files another way");
    }
}

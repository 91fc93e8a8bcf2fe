package dev.liaison.gateway.legacy.delivery;

/**
 * The message cannot be signed and sent as it is: no {@code From} field, a bare CR or LF, a line
 * longer than RFC 5322 allows, a broken header section. Suggested reply: {@code 554 5.6.0}.
 */
public final class MalformedMessageException extends LegacyDeliveryException {

    public MalformedMessageException(String message) {
        super(message);
    }
}

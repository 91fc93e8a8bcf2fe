package dev.liaison.gateway.legacy.delivery;

/**
 * A message could not be queued for plain email; nothing was queued. Each subclass is one
 * failure the submission path answers differently (the reply each suggests is in its comment).
 */
public abstract sealed class LegacyDeliveryException extends Exception
        permits LegacyEmailDisabledException, OversizedMessageException, MalformedMessageException {

    protected LegacyDeliveryException(String message) {
        super(message);
    }
}

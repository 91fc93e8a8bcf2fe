package dev.liaison.gateway.envelope;

/**
 * Parent of every reason an envelope is refused before or after decryption. A receiving service
 * answers the sending service with a client error for these (the bytes are wrong), before it ever
 * looks at the address.
 */
public abstract class EnvelopeException extends Exception {
    private static final long serialVersionUID = 1L;

    protected EnvelopeException(String message) {
        super(message);
    }
}

package dev.liaison.gateway.address;

/** An address diversified to a key generation the receiving service does not (or no longer) hold. */
public final class UnknownKeyGenerationException extends AddressException {
    private static final long serialVersionUID = 1L;

    public UnknownKeyGenerationException(String message) {
        super(message);
    }
}

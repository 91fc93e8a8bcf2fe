package dev.liaison.gateway.address;

/** A signed address whose expiry has passed. */
public final class ExpiredAddressException extends AddressException {
    private static final long serialVersionUID = 1L;

    public ExpiredAddressException(String message) {
        super(message);
    }
}

package dev.liaison.gateway.address;

/** HPKE open failed: the address was not made for this service key, or was altered. */
public final class UnresolvableAddressException extends AddressException {
    private static final long serialVersionUID = 1L;

    public UnresolvableAddressException(String message) {
        super(message);
    }
}
